package dev.registryintegrity.cli;

import dev.registryintegrity.InputException;
import dev.registryintegrity.Suggestion;
import dev.registryintegrity.model.ArtifactTypes;
import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.credentials.CredentialSources;
import dev.registryintegrity.registry.credentials.Credentials;
import dev.registryintegrity.registry.transport.ProxySelection;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.registry.transport.TlsSettings;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.walk.WalkLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** The options every command that talks to registries shares: credentials, TLS, limits. */
final class ConnectionOptions {

  /** What they say, parsed once. */
  record Connection(
      boolean plainHttp,
      Optional<Credentials> credentials,
      TlsSettings tls,
      int concurrency,
      int retries,
      Duration timeout,
      Duration connectTimeout,
      Duration readTimeout,
      boolean debug,
      BlobCheck blobCheck,
      long maxContentBytes,
      boolean progress,
      boolean referrers,
      List<String> requiredArtifactTypes,
      boolean checkExternal,
      boolean strict,
      boolean readEveryRepository) {

    /** The options as the one form every check is built from, credentials from every source. */
    CheckSettings check(Main.Environment environment, Consumer<String> debugLog) {
      return new CheckSettings(
          plainHttp,
          CredentialSources.standard(credentials, environment.variables()),
          tls,
          ProxySelection.fromEnvironment(environment.variables()),
          concurrency,
          retries,
          timeout,
          connectTimeout,
          readTimeout,
          blobCheck,
          maxContentBytes,
          referrers,
          requiredArtifactTypes,
          checkExternal,
          strict,
          debug ? debugLog : line -> {},
          Spelling.CLI,
          readEveryRepository);
    }
  }

  private ConnectionOptions() {}

  /** The {@code --format} option every reporting command offers; {@link #json} reads it. */
  static Option format(String description) {
    return Option.builder()
        .longOpt("format")
        .hasArg()
        .argName("text|json")
        .desc(description)
        .build();
  }

  /** {@code --registry HOST[:PORT]}, trimmed; {@code whenMissing} says what to give when absent. */
  static String registry(CommandLine line, String whenMissing) {
    return java.util.Optional.ofNullable(line.getOptionValue("registry"))
        .map(String::trim)
        .filter(r -> !r.isEmpty())
        .orElseThrow(() -> new InputException(whenMissing));
  }

  /** {@code --format}: text (the default) or json; every command that reports reads it here. */
  static boolean json(CommandLine line) {
    String format = line.getOptionValue("format", "text");
    return switch (format) {
      case "text" -> false;
      case "json" -> true;
      default ->
          throw new InputException("--format '" + format + "' is not known: use text or json");
    };
  }

  /** --debug's request log: each exchange as one escaped line on stderr (never headers). */
  static Consumer<String> debugLog(java.io.PrintWriter err) {
    Console console = new Console(err);
    return line -> {
      synchronized (err) {
        console.line("debug: {}", Console.upTo(2000, line));
      }
    };
  }

  static void addTo(Options o) {
    o.addOption(
        Option.builder()
            .longOpt("plain-http")
            .desc("talk HTTP, not HTTPS (loopback registries: whichever they speak)")
            .build());
    o.addOption(
        Option.builder("u")
            .longOpt("username")
            .hasArg()
            .argName("USER")
            .desc("registry username")
            .build());
    o.addOption(
        Option.builder("p")
            .longOpt("password")
            .hasArg()
            .argName("PASSWORD")
            .desc("registry password or token (prefer --password-stdin)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("password-stdin")
            .desc("read the password from standard input")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("ca-cert")
            .hasArg()
            .argName("FILE")
            .desc("PEM CA certificate(s) to trust besides the system's (repeatable)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("skip-tls-verify")
            .desc("do not verify TLS certificates (said in the report header)")
            .build());
    // "Insecure" means plain HTTP to docker and its plugins and "skip verification" to curl: one
    // word, two meanings, so it only says which two words to choose from.
    o.addOption(
        Option.builder()
            .longOpt("insecure")
            .desc("ambiguous: see --skip-tls-verify and --plain-http")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("concurrency")
            .hasArg()
            .argName("N")
            .desc(
                "requests in flight per registry (default " + WalkLimits.DEFAULT_CONCURRENCY + ")")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("retries")
            .hasArg()
            .argName("N")
            .desc("retries of 408/429/5xx and broken connections (default 3)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("timeout")
            .hasArg()
            .argName("DURATION")
            .desc("deadline for the whole run, e.g. 90s, 5m (default 10m)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("connect-timeout")
            .hasArg()
            .argName("DURATION")
            .desc("time to establish a connection (default 10s)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("read-timeout")
            .hasArg()
            .argName("DURATION")
            .desc("longest wait for an answer on an open connection (default 30s)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("blob-check")
            .hasArg()
            .argName("head|read|content")
            .desc(
                "what a blob must show: read (default) = its first byte served, content = every byte hashed,"
                    + " head = only listed (cannot see lost data; for registries that meter GETs)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("verify-content")
            .desc("download every blob once and check its size and digest (= --blob-check content)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("max-content-bytes")
            .hasArg()
            .argName("SIZE")
            .desc("with content checks, larger blobs are only read-checked (default 16GiB)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("progress")
            .desc(
                "print a progress line every few seconds (digests checked; for content checks the"
                    + " bytes, rate and time left) even when stderr is not a terminal")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("referrers")
            .desc(
                "also find and walk each manifest's referrers: OCI 1.1 referrers (API or fallback tag) and cosign's"
                    + " .sig/.att/.sbom tags (one request more per manifest)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("require-artifact-type")
            .hasArg()
            .argName("TYPE")
            .desc(
                "each image needs an intact referrer of this artifact type, e.g."
                    + " application/vnd.dev.cosign.artifact.sig.v1+json (repeatable; implies --referrers)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("check-external")
            .desc(
                "read the first byte of each external layer the registry does not hold (Windows base layers) from its"
                    + " URL, without registry credentials (default: report it as external)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("read-every-repository")
            .desc(
                "read (or hash) a blob's bytes in every repository that references it; by default"
                    + " once per run, the other repositories' links checked with a HEAD")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("strict")
            .desc(
                "warnings fail too: an orphaned referrer (a signature or SBOM whose image is gone) exits 1")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("debug")
            .desc("log every HTTP exchange (method, URL, status, time; never headers) to stderr")
            .build());
    o.addOption(Option.builder("h").longOpt("help").desc("this help").build());
  }

  /** A command's --help text: usage, what it does, its options, how it exits. */
  static String help(Options options, String usage, String header, String footer) {
    java.io.StringWriter text = new java.io.StringWriter();
    new org.apache.commons.cli.HelpFormatter()
        .printHelp(
            new java.io.PrintWriter(text),
            100,
            usage,
            "\n" + header + "\n\n",
            options,
            2,
            4,
            "\n" + footer);
    return text.toString().stripTrailing();
  }

  /** Commons CLI's errors, as one line that names the option and the fix. */
  static CommandLine parse(Options options, String[] args, String command) {
    try {
      return DefaultParser.builder().setAllowPartialMatching(false).build().parse(options, args);
    } catch (UnrecognizedOptionException e) {
      String given = e.getOption().replaceFirst("^-+", "").replaceFirst("=.*$", "");
      throw new InputException(
          "unknown option '"
              + e.getOption()
              + "': "
              + Suggestion.closest(
                      given,
                      options.getOptions().stream()
                          .map(Option::getLongOpt)
                          .filter(java.util.Objects::nonNull)
                          .toList())
                  .map(s -> "did you mean '--" + s + "'? ")
                  .orElse("")
              + "run 'registry-integrity "
              + command
              + " --help' for the options");
    } catch (MissingArgumentException e) {
      throw new InputException(
          "option --"
              + e.getOption().getLongOpt()
              + " needs a value ("
              + e.getOption().getArgName()
              + ")");
    } catch (ParseException e) {
      throw new InputException(
          e.getMessage() + ": run 'registry-integrity " + command + " --help'");
    }
  }

  static Connection connection(CommandLine line, Main.Environment environment) {
    return new Connection(
        line.hasOption("plain-http"),
        credentials(line, environment),
        tls(line),
        intOption(line, "concurrency", WalkLimits.DEFAULT_CONCURRENCY),
        intOption(line, "retries", RetryPolicy.defaults().retries()),
        Durations.parse("--timeout", line.getOptionValue("timeout", "10m")),
        Durations.parse("--connect-timeout", line.getOptionValue("connect-timeout", "10s")),
        Durations.parse("--read-timeout", line.getOptionValue("read-timeout", "30s")),
        line.hasOption("debug"),
        blobCheck(line),
        line.hasOption("max-content-bytes")
            ? ByteSize.parse("--max-content-bytes", line.getOptionValue("max-content-bytes"))
            : BlobCheck.DEFAULT_MAX_CONTENT_BYTES,
        line.hasOption("progress"),
        line.hasOption("referrers"),
        artifactTypes(line.getOptionValues("require-artifact-type")),
        line.hasOption("check-external"),
        line.hasOption("strict"),
        line.hasOption("read-every-repository"));
  }

  static List<String> artifactTypes(String[] values) {
    try {
      return ArtifactTypes.parse(values == null ? List.of() : java.util.Arrays.asList(values));
    } catch (InvalidValueException e) {
      throw new InputException("--require-artifact-type " + e.getMessage());
    }
  }

  private static BlobCheck blobCheck(CommandLine line) {
    return CheckSettings.blobCheck(
        Optional.ofNullable(line.getOptionValue("blob-check"))
            .map(v -> BlobCheck.parse("--blob-check", v)),
        line.hasOption("verify-content"),
        "--verify-content",
        "--blob-check");
  }

  private static Optional<Credentials> credentials(CommandLine line, Main.Environment environment) {
    String username = line.getOptionValue("username");
    String password = line.getOptionValue("password");
    if (line.hasOption("password-stdin")) {
      if (password != null) {
        throw new InputException("--password and --password-stdin both given: use one");
      }
      try {
        byte[] given = environment.stdin().readNBytes(64 * 1024 + 1);
        if (given.length > 64 * 1024) {
          throw new InputException(
              "--password-stdin: standard input holds more than 64 KiB, which is no password: pipe only the password");
        }
        password = new String(given, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new InputException(
            "--password-stdin: cannot read standard input (" + e.getMessage() + ")");
      }
    }
    return CheckSettings.credential(
        Optional.ofNullable(username),
        Optional.ofNullable(password),
        "a password was given without --username: give both",
        "--username given without a password: add --password or --password-stdin",
        line.hasOption("password-stdin") ? "--password-stdin" : "--password");
  }

  private static TlsSettings tls(CommandLine line) {
    List<java.security.cert.X509Certificate> cas = new ArrayList<>();
    String[] files = line.getOptionValues("ca-cert");
    if (files != null) {
      for (String file : files) {
        cas.addAll(TlsSettings.readCertificates("--ca-cert", file, Path.of("")));
      }
    }
    if (line.hasOption("insecure")) {
      throw new InputException(
          "--insecure means two things to different tools: give --skip-tls-verify (do not verify"
              + " TLS certificates) or --plain-http (talk HTTP, not HTTPS)");
    }
    return new TlsSettings(line.hasOption("skip-tls-verify"), cas);
  }

  static int intOption(CommandLine line, String name, int fallback) {
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

  static int positive(String name, int value) {
    if (value < 1) {
      throw new InputException(name + " " + value + " must be at least 1");
    }
    return value;
  }

  static URI uri(String what, String text) {
    try {
      URI uri = URI.create(text.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new InputException(
          what + " '" + text + "' is not a URL: write e.g. http://pushgateway:9091");
    }
  }

  static InetSocketAddress address(String what, String text) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    try {
      int port = Integer.parseInt(t.substring(colon + 1));
      String host = colon <= 0 ? "0.0.0.0" : t.substring(0, colon);
      return new InetSocketAddress(host, port);
    } catch (RuntimeException e) {
      throw new InputException(
          what + " '" + text + "' is not [HOST]:PORT: write e.g. :9100 or 127.0.0.1:9100");
    }
  }
}
