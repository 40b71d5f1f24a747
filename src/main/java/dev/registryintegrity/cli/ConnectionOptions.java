package dev.registryintegrity.cli;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.ArtifactTypes;
import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.Input;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.credentials.CredentialSources;
import dev.registryintegrity.registry.credentials.Credentials;
import dev.registryintegrity.registry.transport.ProxySelection;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.registry.transport.TlsSettings;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.verify.CheckOption;
import dev.registryintegrity.verify.CheckSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The options of every command that talks to registries: the check's inputs as {@link CheckOption}
 * states them (names, defaults, ranges, descriptions), how the password arrives, progress and
 * debug. Their values go into a {@link CheckSettings.Builder}, which owns the rules.
 */
final class ConnectionOptions {
  /**
   * The connection options only a walk uses (what to check, how many requests at once, progress): a
   * command that talks to a registry without walking an image leaves them out.
   */
  static final List<String> WALK_ONLY =
      List.of(
          "concurrency",
          "blob-check",
          "verify-content",
          "max-content-bytes",
          "referrers",
          "require-artifact-type",
          "check-external",
          "strict",
          "read-every-repository",
          "progress");

  private ConnectionOptions() {}

  static void addTo(Options o) {
    addTo(o, List.of());
  }

  /**
   * @param without the options a command has no use for (retain always follows referrers, and
   *     prints no progress line)
   */
  static void addTo(Options o, List<String> without) {
    for (CheckOption option : CheckOption.values()) {
      if (without.contains(option.flag())) {
        continue;
      }
      Option.Builder b = Option.builder().longOpt(option.flag()).desc(option.describe());
      if (option.argument().isPresent()) {
        b.hasArg().argName(option.argument().get());
      }
      if (option == CheckOption.USERNAME) {
        b.option("u");
      }
      if (option == CheckOption.PASSWORD) {
        b.option("p");
      }
      o.addOption(b.build());
    }
    o.addOption(Flags.flag("password-stdin", "read the password from standard input"));
    // "Insecure" means plain HTTP to docker and its plugins and "skip verification" to curl: one
    // word, two meanings, so it only says which two words to choose from.
    o.addOption(Flags.flag("insecure", "ambiguous: see --skip-tls-verify and --plain-http"));
    if (!without.contains("progress")) {
      o.addOption(
          Flags.flag(
              "progress",
              "print a progress line every few seconds (digests checked; for content checks the"
                  + " bytes, rate and time left) even when stderr is not a terminal"));
    }
    o.addOption(
        Flags.flag(
            "debug",
            "log every HTTP exchange (method, URL, status, protocol, time; never headers) to stderr"));
  }

  /** The check the options ask for, credentials from every source Docker knows. */
  static CheckSettings check(CommandLine line, Context context) {
    Map<String, String> variables = context.environment().variables();
    CheckSettings.Builder b =
        CheckSettings.builder(Spelling.CLI)
            .plainHttp(line.hasOption(CheckOption.PLAIN_HTTP.flag()))
            .credentials(
                CredentialSources.standard(credentials(line, context.environment()), variables))
            .tls(tls(line))
            .proxies(ProxySelection.fromEnvironment(variables))
            .blobCheck(
                Optional.ofNullable(line.getOptionValue(CheckOption.BLOB_CHECK.flag()))
                    .map(v -> BlobCheck.parse("--" + CheckOption.BLOB_CHECK.flag(), v)),
                line.hasOption(CheckOption.VERIFY_CONTENT.flag()))
            .requireArtifactTypes(
                artifactTypes(Flags.repeated(line, CheckOption.REQUIRE_ARTIFACT_TYPE.flag())));
    // Only what is given: the builder holds the defaults. Plain code, no method references:
    // each would be an invokedynamic linked on every cold start.
    if (given(line, CheckOption.CONCURRENCY)) {
      b.concurrency(
          Flags.wholeNumber(name(CheckOption.CONCURRENCY), value(line, CheckOption.CONCURRENCY)));
    }
    if (given(line, CheckOption.RETRIES)) {
      b.retries(Flags.wholeNumber(name(CheckOption.RETRIES), value(line, CheckOption.RETRIES)));
    }
    if (given(line, CheckOption.TIMEOUT)) {
      b.timeout(Durations.parse(name(CheckOption.TIMEOUT), value(line, CheckOption.TIMEOUT)));
    }
    if (given(line, CheckOption.CONNECT_TIMEOUT)) {
      b.connectTimeout(
          Durations.parse(
              name(CheckOption.CONNECT_TIMEOUT), value(line, CheckOption.CONNECT_TIMEOUT)));
    }
    if (given(line, CheckOption.READ_TIMEOUT)) {
      b.readTimeout(
          Durations.parse(name(CheckOption.READ_TIMEOUT), value(line, CheckOption.READ_TIMEOUT)));
    }
    if (given(line, CheckOption.MAX_CONTENT_BYTES)) {
      b.maxContentBytes(
          ByteSize.parse(
              name(CheckOption.MAX_CONTENT_BYTES), value(line, CheckOption.MAX_CONTENT_BYTES)));
    }
    for (CheckOption o : CheckOption.values()) {
      if (o.walkOption().isPresent()) {
        b.option(o.walkOption().get(), line.hasOption(o.flag()));
      }
    }
    if (line.hasOption("debug")) {
      b.requestLog(debugLog(context.err()));
    }
    return b.build();
  }

  /** A client for one run against {@code registry}: the check's transport, under its deadline. */
  static RegistryClient client(RegistryName registry, CheckSettings check, Clock clock) {
    return RegistryClient.open(
        registry,
        new RegistryTransport(
            check.transport(),
            clock,
            Sleeper.system(),
            Deadline.after(clock, check.timeout(), check.spelling())),
        check.plainHttp());
  }

  /** Whether a progress line is wanted: asked for, or stderr is a terminal. */
  static boolean progress(CommandLine line, Context context) {
    return line.hasOption("progress") || context.environment().terminal();
  }

  private static boolean given(CommandLine line, CheckOption option) {
    return line.hasOption(option.flag());
  }

  private static String value(CommandLine line, CheckOption option) {
    return line.getOptionValue(option.flag());
  }

  private static String name(CheckOption option) {
    return Spelling.CLI.input(option.input());
  }

  /** --debug's request log: each exchange as one escaped line on stderr (never headers). */
  static Consumer<String> debugLog(PrintWriter err) {
    Console console = new Console(err);
    return line -> {
      synchronized (err) {
        console.line("debug: {}", Console.upTo(2000, line));
      }
    };
  }

  static List<String> artifactTypes(List<String> values) {
    try {
      return ArtifactTypes.parse(values);
    } catch (InvalidValueException e) {
      throw new InputException(
          "--" + CheckOption.REQUIRE_ARTIFACT_TYPE.flag() + " " + e.getMessage());
    }
  }

  private static Optional<Credentials> credentials(CommandLine line, Main.Environment environment) {
    String username = line.getOptionValue(CheckOption.USERNAME.flag());
    String password = line.getOptionValue(CheckOption.PASSWORD.flag());
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
        line.hasOption("password-stdin") ? "--password-stdin" : Spelling.CLI.input(Input.PASSWORD));
  }

  private static TlsSettings tls(CommandLine line) {
    List<X509Certificate> cas = new ArrayList<>();
    for (String file : Flags.repeated(line, CheckOption.CA_CERT.flag())) {
      cas.addAll(
          TlsSettings.readCertificates(Spelling.CLI.input(Input.CA_CERT), file, Path.of("")));
    }
    if (line.hasOption("insecure")) {
      throw new InputException(
          "--insecure means two things to different tools: give --skip-tls-verify (do not verify"
              + " TLS certificates) or --plain-http (talk HTTP, not HTTPS)");
    }
    return new TlsSettings(line.hasOption(CheckOption.SKIP_TLS_VERIFY.flag()), cas);
  }
}
