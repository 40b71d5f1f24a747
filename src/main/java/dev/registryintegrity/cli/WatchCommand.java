package dev.registryintegrity.cli;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.probe.MetricsSinks;
import dev.registryintegrity.probe.Shard;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.watch.Journal;
import dev.registryintegrity.watch.Receiver;
import dev.registryintegrity.watch.WatchMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity watch --registry HOST --token-file F|--webhook-secret-file F [--listen
 * :9110]}: the receiver for the registry's notifications (distribution's, Forgejo's/Gitea's,
 * Harbor's), verifying every tagged push (and every tag a delete may break) a settle delay after
 * its event.
 */
final class WatchCommand implements Command {
  private static final String JOB = "registry_manifest_integrity_watch";
  private static final Flags.Defaulted LISTEN =
      new Flags.Defaulted("listen", "[HOST]:PORT", ":9110", "where to receive events");
  private static final Flags.Defaulted SETTLE =
      new Flags.Defaulted(
          "settle", "DURATION", "2s", "wait after a tag's latest event before verifying it");
  private static final Flags.Defaulted WORKERS =
      new Flags.Defaulted("workers", "N", "2", "verifications at once");
  private static final Flags.Defaulted QUEUE =
      new Flags.Defaulted(
          "queue",
          "N",
          "10000",
          "tags waiting at most; beyond it the sender is answered 503 with Retry-After and sends"
              + " again");
  private static final Flags.Defaulted TRACKED =
      new Flags.Defaulted(
          "tracked",
          "N",
          "100000",
          "tags whose digests are remembered to re-verify them after a delete");
  private static final Flags.Defaulted SERIES_TTL =
      new Flags.Defaulted(
          "intact-series-ttl",
          "DURATION",
          "7d",
          "drop an intact tag's series this long after its verdict; failing tags are kept");
  private static final Flags.Defaulted MAX_SERIES =
      new Flags.Defaulted(
          "max-intact-series",
          "N",
          "10000",
          "keep the series of at most N intact tags, the newest; failing tags are kept");

  @Override
  public About about() {
    return new About(
        "watch",
        "",
        "receive the registry's push/delete notifications and verify each push",
        "registry-integrity watch --registry HOST --token-file FILE|--webhook-secret-file FILE"
            + " [options]",
        "Receives the registry's notifications (distribution: POST /events; Forgejo/Gitea: POST"
            + " /events/forgejo; Harbor: POST /events/harbor) and verifies every tagged push, and"
            + " every tag a delete may break, a settle delay after its event. GET /metrics, GET"
            + " /healthz.",
        "Runs until stopped. Exit codes: 2 usage error, 3 could not start.");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(Flags.valued("registry", "HOST[:PORT]", "the registry whose events arrive"));
    o.addOption(LISTEN.option());
    o.addOption(
        Flags.valued(
            "token-file",
            "FILE",
            "shared secret distribution sends as 'Authorization: Bearer <token>' to POST"
                + " /events"));
    o.addOption(
        Flags.valued(
            "webhook-secret-file",
            "FILE",
            "secret of the Forgejo/Gitea webhook (HMAC, POST /events/forgejo) and Harbor's auth"
                + " header (POST /events/harbor); give it, --token-file or both"));
    o.addOption(SETTLE.option());
    o.addOption(WORKERS.option());
    o.addOption(QUEUE.option());
    o.addOption(TRACKED.option());
    o.addOption(
        Flags.valued(
            "state-dir",
            "DIR",
            "keep accepted checks, verdicts and delete tracking here across restarts and crashes"
                + " (a volume); without it a restart loses them"));
    o.addOption(SERIES_TTL.option());
    o.addOption(MAX_SERIES.option());
    PushgatewayOptions.addTo(o, "also push the metrics after each verdict", JOB);
    return o;
  }

  /** A secret from its file: printable, no spaces, long enough not to be guessed. */
  private static Optional<String> secret(CommandLine line, String option) {
    String file = line.getOptionValue(option);
    if (file == null) {
      return Optional.empty();
    }
    String secret = InputFiles.readText("--" + option, Path.of(file), 4096).strip();
    if (secret.length() < 16 || !secret.matches("[\\x21-\\x7e]+")) {
      throw new InputException(
          "--"
              + option
              + ": the secret must be at least 16 printable characters without spaces"
              + " (e.g. openssl rand -hex 32)");
    }
    return Optional.of(secret);
  }

  @Override
  public ExitCode run(CommandLine line, Context context) throws IOException, InterruptedException {
    if (!line.getArgList().isEmpty()) {
      throw new InputException("watch takes no arguments (got '" + line.getArgList().get(0) + "')");
    }
    RegistryName registry =
        Flags.registry(
            line, "watch needs --registry HOST[:PORT]: the registry whose events arrive");
    Optional<String> token = secret(line, "token-file");
    Optional<String> webhookSecret = secret(line, "webhook-secret-file");
    if (token.isEmpty() && webhookSecret.isEmpty()) {
      throw new InputException(
          "watch needs --token-file FILE (distribution's notifications: headers: {Authorization:"
              + " [Bearer <token>]}) or --webhook-secret-file FILE (Forgejo/Gitea and Harbor"
              + " webhooks), or both");
    }
    CheckSettings check = ConnectionOptions.check(line, context);
    Receiver.Settings settings =
        new Receiver.Settings(
            Flags.address(LISTEN.flag(), LISTEN.value(line)),
            token,
            webhookSecret,
            Flags.duration(SETTLE, line),
            Flags.positive(WORKERS, line),
            Flags.positive(QUEUE, line),
            Flags.positive(TRACKED, line),
            new WatchMetrics.SeriesLimit(
                Flags.duration(SERIES_TTL, line), Flags.positive(MAX_SERIES, line)));
    Optional<Journal> journal =
        Optional.ofNullable(line.getOptionValue("state-dir"))
            .map(dir -> Journal.open(Path.of(dir), settings.tracked()));
    PushgatewayOptions pushOptions = PushgatewayOptions.read(line, registry.name(), JOB);
    Console console = context.console();
    if (journal.isEmpty()) {
      console.line(
          "watch: no --state-dir: a restart or crash loses the checks accepted and not yet"
              + " verified, every verdict and all delete tracking (give --state-dir DIR on a volume"
              + " to keep them)");
    }
    try (Receiver receiver =
        new Receiver(
            settings,
            new RegistryChecker(registry, check, context.environment().clock()),
            new WatchMetrics(pushOptions.instance(), settings.series()),
            context.environment().clock(),
            context.out(),
            journal,
            metricsPush(pushOptions, context),
            "watch " + registry,
            Main.version())) {
      console.line(
          "watch: receiving {}'s events on port {} ({}; GET /, /status.json, /metrics, /healthz);"
              + " settle {} ms, {} workers",
          registry,
          receiver.port(),
          String.join(
              ", ",
              Stream.concat(
                      token.stream().map(t -> "POST /events"),
                      webhookSecret.stream()
                          .flatMap(t -> Stream.of("POST /events/forgejo", "POST /events/harbor")))
                  .toList()),
          settings.settle().toMillis(),
          settings.workers());
      context.out().flush();
      // SIGTERM (a rollout's stop): take no more events, finish what is in flight, say what is
      // left.
      Runtime.getRuntime().addShutdownHook(new Thread(receiver::close));
      receiver.awaitStop();
    }
    return ExitCode.INTACT;
  }

  /** The metrics pushed after each verdict, when a Pushgateway is given; a failure is a warning. */
  private static Consumer<String> metricsPush(PushgatewayOptions options, Context context) {
    return options
        .gateway()
        .<Consumer<String>>map(
            url ->
                text -> {
                  try {
                    MetricsSinks.push(
                        url,
                        MetricsSinks.grouping(options.job(), options.instance(), Shard.all()),
                        text);
                  } catch (CannotCheckException e) {
                    context.errors().line("watch: warning: {}", e.getMessage());
                  }
                })
        .orElse(text -> {});
  }

  /** The receiver's view of the registry: a verify of a repository's tags, and its tag list. */
  private record RegistryChecker(RegistryName registry, CheckSettings check, Clock clock)
      implements Receiver.Checker {
    @Override
    public RunReport check(String repository, List<String> tags) {
      ImageReference base = registry.repository(repository);
      List<TargetReference> targets =
          tags.stream().map(tag -> (TargetReference) base.withTag(tag)).toList();
      return new Verifier(
              check, check.expectations(Optional.empty(), List.of()), clock, Sleeper.system())
          .verify("watch", targets, List.of());
    }

    @Override
    public boolean tagListed(String repository, String tag) {
      try (RegistryClient client = ConnectionOptions.client(registry, check, clock)) {
        return client.listTags(repository, 1000).contains(tag);
      }
    }
  }
}
