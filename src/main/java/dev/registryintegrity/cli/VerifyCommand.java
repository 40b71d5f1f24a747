package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.Progress;
import dev.registryintegrity.report.ReportFile;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.Transfer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

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
    ConnectionOptions.addTo(o);
    o.addOption(ConnectionOptions.format("report on stdout (default text)"));
    o.addOption(
        Option.builder()
            .longOpt("report")
            .hasArg()
            .argName("FILE")
            .desc("also write the JSON report to FILE")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("color")
            .hasArg()
            .argName("auto|always|never")
            .desc("colour the text report (default auto)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("log-level")
            .hasArg()
            .argName("info|debug")
            .desc(
                "info (default): the verdict and the failures first, then only the branches that"
                    + " lead to them; debug: every digest of every image")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("brief")
            .desc("the same as --log-level info (the default)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("platform")
            .hasArg()
            .argName("OS/ARCH[/VARIANT]")
            .desc("a platform the index must contain (repeatable, or comma-separated)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("expected-digest")
            .hasArg()
            .argName("DIGEST")
            .desc("every image must resolve to this digest")
            .build());
    return o;
  }

  ExitCode run(String[] args) {
    CommandLine line = ConnectionOptions.parse(options(), args, "verify");
    if (line.hasOption("help")) {
      out.println(help());
      return ExitCode.INTACT;
    }
    VerifyOptions options = parse(line);
    ConnectionOptions.Connection c = options.connection();
    Transfer transfer = new Transfer();
    Verifier verifier =
        new Verifier(settings(options), environment.clock(), Sleeper.system(), transfer);
    RunReport report;
    if (c.progress() || environment.terminal()) {
      try (Progress progress =
          new Progress(Progress.walk("verify", transfer), err, environment.terminal())) {
        report = verifier.verify("verify", options.targets(), List.of());
      }
    } else {
      report = verifier.verify("verify", options.targets(), List.of());
    }
    return ReportFile.exitCode(report.exitCode(), emit(report, options));
  }

  VerifyOptions parse(CommandLine line) {
    List<String> arguments = line.getArgList();
    if (arguments.isEmpty()) {
      throw new InputException(
          "no image given: registry-integrity verify [options] IMAGE... (e.g. ghcr.io/org/app:1.0)");
    }
    List<TargetReference> targets = new ArrayList<>();
    for (String argument : arguments) {
      targets.add(TargetReference.parse(argument));
    }
    return new VerifyOptions(
        targets,
        ConnectionOptions.connection(line, environment),
        ConnectionOptions.json(line) ? VerifyOptions.Format.JSON : VerifyOptions.Format.TEXT,
        Optional.ofNullable(line.getOptionValue("report")).map(Path::of),
        color(line.getOptionValue("color", "auto")),
        detail(line),
        platforms(line.getOptionValues("platform")),
        Optional.ofNullable(line.getOptionValue("expected-digest"))
            .map(d -> digest("--expected-digest", d)));
  }

  Verifier.Settings settings(VerifyOptions options) {
    ConnectionOptions.Connection c = options.connection();
    return c.check(environment, ConnectionOptions.debugLog(err))
        .verifier(
            new Expectations(
                options.expectedDigest(), options.platforms(), c.requiredArtifactTypes()));
  }

  /** Renders the report; whether the report file (when asked for) was written. */
  private boolean emit(RunReport report, VerifyOptions options) {
    JsonReport json = new JsonReport(Main.version());
    if (options.format() == VerifyOptions.Format.JSON) {
      json.render(report, out);
      out.println();
    } else {
      new TextReport(options.color(), options.detail()).render(report, out);
    }
    return options
        .reportFile()
        .map(file -> ReportFile.write(json.render(report), file, err))
        .orElse(true);
  }

  private boolean color(String value) {
    return switch (value) {
      case "always" -> true;
      case "never" -> false;
      case "auto" -> environment.terminal() && !environment.variables().containsKey("NO_COLOR");
      default ->
          throw new InputException(
              "--color '" + value + "' is not known: use auto, always or never");
    };
  }

  static List<Platform> platforms(String[] values) {
    return values(values).stream().map(Platform::parse).toList();
  }

  /** A repeatable option's values, each of which may list several, comma or space separated. */
  static List<String> values(String[] given) {
    if (given == null) {
      return List.of();
    }
    return Arrays.stream(given)
        .flatMap(v -> Arrays.stream(v.split("[,\\s]+")))
        .filter(v -> !v.isBlank())
        .toList();
  }

  private static TextReport.Detail detail(CommandLine line) {
    String level =
        line.getOptionValue("log-level", "info").trim().toLowerCase(java.util.Locale.ROOT);
    return switch (level) {
      case "debug", "trace" -> {
        if (line.hasOption("brief")) {
          throw new InputException(
              "--brief and --log-level " + level + " contradict each other: give one");
        }
        yield TextReport.Detail.FULL;
      }
      case "info", "warn", "warning", "error" -> TextReport.Detail.BRIEF;
      default ->
          throw new InputException("--log-level '" + level + "' is not known: use info or debug");
    };
  }

  static Digest digest(String option, String value) {
    try {
      return Digest.parse(value.trim());
    } catch (InvalidValueException e) {
      throw new InputException(option + ": " + e.getMessage());
    }
  }

  private static String help() {
    return ConnectionOptions.help(
        options(),
        "registry-integrity verify [options] IMAGE...",
        "Checks every digest each IMAGE references (index, child manifests, attestations, configs,"
            + " layers). IMAGE is [registry[:port]/]repo[:tag][@digest] or oci:DIR[:TAG].",
        "Exit codes: 0 intact, 1 integrity failure, 2 usage error, 3 could not check.");
  }
}
