package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.CredentialSources;
import dev.registryintegrity.registry.ProxySelection;
import dev.registryintegrity.registry.Credentials;
import dev.registryintegrity.registry.RetryPolicy;
import dev.registryintegrity.registry.Sleeper;
import dev.registryintegrity.registry.TlsSettings;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.ReportFile;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.WalkLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** {@code registry-integrity verify [options] IMAGE...}: the command line over {@link Verifier}. */
final class VerifyCommand {
  private final Main.Environment environment;
  private final PrintWriter out;
  private final PrintWriter err;

  VerifyCommand(Main.Environment environment, PrintWriter out, PrintWriter err) {
    this.environment = environment;
    this.out = out;
    this.err = err;
  }

  static Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("plain-http").desc("talk HTTP, not HTTPS (loopback registries always do)").build());
    o.addOption(Option.builder("u").longOpt("username").hasArg().argName("USER").desc("registry username").build());
    o.addOption(Option.builder("p").longOpt("password").hasArg().argName("PASSWORD")
        .desc("registry password or token (prefer --password-stdin)").build());
    o.addOption(Option.builder().longOpt("password-stdin").desc("read the password from standard input").build());
    o.addOption(Option.builder().longOpt("ca-cert").hasArg().argName("FILE")
        .desc("PEM CA certificate(s) to trust besides the system's (repeatable)").build());
    o.addOption(Option.builder().longOpt("insecure")
        .desc("do not verify TLS certificates (said in the report header)").build());
    o.addOption(Option.builder().longOpt("concurrency").hasArg().argName("N")
        .desc("requests in flight per registry (default " + WalkLimits.DEFAULT_CONCURRENCY + ")").build());
    o.addOption(Option.builder().longOpt("retries").hasArg().argName("N")
        .desc("retries of 408/429/5xx and broken connections (default 3)").build());
    o.addOption(Option.builder().longOpt("timeout").hasArg().argName("DURATION")
        .desc("deadline for the whole run, e.g. 90s, 5m (default 10m)").build());
    o.addOption(Option.builder().longOpt("connect-timeout").hasArg().argName("DURATION")
        .desc("time to establish a connection (default 10s)").build());
    o.addOption(Option.builder().longOpt("read-timeout").hasArg().argName("DURATION")
        .desc("longest wait for an answer on an open connection (default 30s)").build());
    o.addOption(Option.builder().longOpt("debug")
        .desc("log every HTTP exchange (method, URL, status, time; never headers) to stderr").build());
    o.addOption(Option.builder().longOpt("format").hasArg().argName("text|json").desc("report on stdout (default text)").build());
    o.addOption(Option.builder().longOpt("report").hasArg().argName("FILE").desc("also write the JSON report to FILE").build());
    o.addOption(Option.builder().longOpt("color").hasArg().argName("auto|always|never").desc("colour the text report (default auto)").build());
    o.addOption(Option.builder().longOpt("brief").desc("one line per intact image; full detail for the others").build());
    o.addOption(Option.builder().longOpt("platform").hasArg().argName("OS/ARCH[/VARIANT]")
        .desc("a platform the index must contain (repeatable, or comma-separated)").build());
    o.addOption(Option.builder().longOpt("expected-digest").hasArg().argName("DIGEST")
        .desc("every image must resolve to this digest").build());
    o.addOption(Option.builder("h").longOpt("help").desc("this help").build());
    return o;
  }

  ExitCode run(String[] args) {
    CommandLine line;
    try {
      line = DefaultParser.builder().setAllowPartialMatching(false).build().parse(options(), args);
    } catch (UnrecognizedOptionException e) {
      throw new InputException("unknown option '" + e.getOption() + "': run 'registry-integrity verify --help' for the options");
    } catch (MissingArgumentException e) {
      throw new InputException("option --" + e.getOption().getLongOpt() + " needs a value (" + e.getOption().getArgName() + ")");
    } catch (ParseException e) {
      throw new InputException(e.getMessage() + ": run 'registry-integrity verify --help'");
    }
    if (line.hasOption("help")) {
      out.println(help());
      return ExitCode.INTACT;
    }
    VerifyOptions options = parse(line);
    Duration connect = Durations.parse("--connect-timeout", line.getOptionValue("connect-timeout", "10s"));
    Duration read = Durations.parse("--read-timeout", line.getOptionValue("read-timeout", "30s"));
    boolean debug = line.hasOption("debug");
    Verifier.Settings settings = settings(options).withTransport(t -> t.withTimeouts(connect, read)
        .withRequestLog(debug ? this::debug : request -> {}));
    Verifier verifier = new Verifier(settings, environment.clock(), Sleeper.system());
    RunReport report = verifier.verify("verify", options.targets(), List.of());
    emit(report, options);
    return report.exitCode();
  }

  VerifyOptions parse(CommandLine line) {
    List<String> arguments = line.getArgList();
    if (arguments.isEmpty()) {
      throw new InputException("no image given: registry-integrity verify [options] IMAGE... (e.g. ghcr.io/org/app:1.0)");
    }
    List<TargetReference> targets = new ArrayList<>();
    for (String argument : arguments) {
      targets.add(TargetReference.parse(argument));
    }
    return new VerifyOptions(
        targets,
        line.hasOption("plain-http"),
        credentials(line),
        tls(line),
        intOption(line, "concurrency", WalkLimits.DEFAULT_CONCURRENCY),
        intOption(line, "retries", RetryPolicy.defaults().retries()),
        Durations.parse("--timeout", line.getOptionValue("timeout", "10m")),
        format(line.getOptionValue("format", "text")),
        Optional.ofNullable(line.getOptionValue("report")).map(Path::of),
        color(line.getOptionValue("color", "auto")),
        line.hasOption("brief") ? TextReport.Detail.BRIEF : TextReport.Detail.FULL,
        platforms(line.getOptionValues("platform")),
        Optional.ofNullable(line.getOptionValue("expected-digest")).map(d -> digest("--expected-digest", d)));
  }

  private synchronized void debug(String line) {
    err.println("debug: " + line);
  }

  Verifier.Settings settings(VerifyOptions options) {
    return Verifier.Settings.of(
        options.concurrency(),
        options.retries(),
        CredentialSources.standard(options.credentials(), environment.variables()),
        options.tls(),
        ProxySelection.fromEnvironment(environment.variables()),
        options.plainHttp(),
        options.timeout(),
        new Expectations(options.expectedDigest(), options.platforms()));
  }

  private void emit(RunReport report, VerifyOptions options) {
    JsonReport json = new JsonReport(Main.version());
    if (options.format() == VerifyOptions.Format.JSON) {
      json.render(report, out);
      out.println();
    } else {
      new TextReport(options.color(), options.detail()).render(report, out);
    }
    options.reportFile().ifPresent(file -> ReportFile.write(json.render(report), file, err));
  }

  private Optional<Credentials> credentials(CommandLine line) {
    String username = line.getOptionValue("username");
    String password = line.getOptionValue("password");
    if (line.hasOption("password-stdin")) {
      if (password != null) {
        throw new InputException("--password and --password-stdin both given: use one");
      }
      try {
        password = new String(environment.stdin().readAllBytes(), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new InputException("--password-stdin: cannot read standard input (" + e.getMessage() + ")");
      }
    }
    if (username == null && password == null) {
      return Optional.empty();
    }
    if (username == null || username.isEmpty()) {
      throw new InputException("a password was given without --username: give both");
    }
    if (password == null) {
      throw new InputException("--username given without a password: add --password or --password-stdin");
    }
    return Optional.of(new Credentials(username, password, line.hasOption("password-stdin") ? "--password-stdin" : "--password"));
  }

  private static TlsSettings tls(CommandLine line) {
    List<java.security.cert.X509Certificate> cas = new ArrayList<>();
    String[] files = line.getOptionValues("ca-cert");
    if (files != null) {
      for (String file : files) {
        cas.addAll(TlsSettings.readCertificates("--ca-cert", file, Path.of("")));
      }
    }
    return new TlsSettings(line.hasOption("insecure"), cas);
  }

  private static int intOption(CommandLine line, String name, int fallback) {
    String value = line.getOptionValue(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InputException("--" + name + " '" + value + "' is not a whole number");
    }
  }

  private static VerifyOptions.Format format(String value) {
    return switch (value) {
      case "text" -> VerifyOptions.Format.TEXT;
      case "json" -> VerifyOptions.Format.JSON;
      default -> throw new InputException("--format '" + value + "' is not known: use text or json");
    };
  }

  private boolean color(String value) {
    return switch (value) {
      case "always" -> true;
      case "never" -> false;
      case "auto" -> environment.terminal() && !environment.variables().containsKey("NO_COLOR");
      default -> throw new InputException("--color '" + value + "' is not known: use auto, always or never");
    };
  }

  static List<Platform> platforms(String[] values) {
    if (values == null) {
      return List.of();
    }
    return Arrays.stream(values)
        .flatMap(v -> Arrays.stream(v.split("[,\\s]+")))
        .filter(v -> !v.isBlank())
        .map(Platform::parse)
        .toList();
  }

  static Digest digest(String option, String value) {
    try {
      return Digest.parse(value.trim());
    } catch (InputException e) {
      throw new InputException(option + ": " + e.getMessage());
    }
  }

  private static String help() {
    StringWriter text = new StringWriter();
    try (PrintWriter pw = new PrintWriter(text)) {
      new HelpFormatter().printHelp(pw, 100, "registry-integrity verify [options] IMAGE...",
          "\nChecks every digest each IMAGE references (index, child manifests, attestations, configs,"
              + " layers). IMAGE is [registry[:port]/]repo[:tag][@digest] or oci:DIR[:TAG].\n\n",
          options(), 2, 4,
          "\nExit codes: 0 intact, 1 integrity failure, 2 usage error, 3 could not check.");
    }
    return text.toString().stripTrailing();
  }

}
