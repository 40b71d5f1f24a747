package dev.registryintegrity.cli;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.probe.MetricsSinks;
import dev.registryintegrity.probe.Shard;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.watch.Journal;
import dev.registryintegrity.watch.Receiver;
import dev.registryintegrity.watch.WatchMetrics;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity watch --registry HOST --token-file F|--webhook-secret-file F [--listen
 * :9110]}: the receiver for the registry's notifications (distribution's, Forgejo's/Gitea's,
 * Harbor's), verifying every tagged push (and every tag a delete may break) a settle delay after
 * its event.
 */
final class WatchCommand {
  private static final String JOB = "registry_manifest_integrity_watch";
  private final Main.Environment environment;
  private final PrintWriter out;
  private final PrintWriter err;

  WatchCommand(Main.Environment environment, PrintWriter out, PrintWriter err) {
    this.environment = environment;
    this.out = out;
    this.err = err;
  }

  static Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(
        Option.builder()
            .longOpt("registry")
            .hasArg()
            .argName("HOST[:PORT]")
            .desc("the registry whose events arrive")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("listen")
            .hasArg()
            .argName("[HOST]:PORT")
            .desc("where to receive events (default :9110)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("token-file")
            .hasArg()
            .argName("FILE")
            .desc(
                "shared secret distribution sends as 'Authorization: Bearer <token>' to POST /events")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("webhook-secret-file")
            .hasArg()
            .argName("FILE")
            .desc(
                "secret of the Forgejo/Gitea webhook (HMAC, POST /events/forgejo) and Harbor's auth"
                    + " header (POST /events/harbor); give it, --token-file or both")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("settle")
            .hasArg()
            .argName("DURATION")
            .desc("wait after a tag's latest event before verifying it (default 2s)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("workers")
            .hasArg()
            .argName("N")
            .desc("verifications at once (default 2)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("queue")
            .hasArg()
            .argName("N")
            .desc("tags waiting at most; more are dropped and counted (default 10000)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("tracked")
            .hasArg()
            .argName("N")
            .desc(
                "tags whose digests are remembered to re-verify them after a delete (default 100000)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("state-dir")
            .hasArg()
            .argName("DIR")
            .desc(
                "keep accepted checks, verdicts and delete tracking here across restarts and crashes (a volume);"
                    + " without it a restart loses them")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("intact-series-ttl")
            .hasArg()
            .argName("DURATION")
            .desc(
                "drop an intact tag's series this long after its verdict (default 7d; failing tags are kept)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("max-intact-series")
            .hasArg()
            .argName("N")
            .desc(
                "keep the series of at most N intact tags, the newest (default 10000; failing tags are kept)")
            .build());
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

  ExitCode run(String[] args) throws java.io.IOException, InterruptedException {
    CommandLine line = ConnectionOptions.parse(options(), args, "watch");
    if (line.hasOption("help")) {
      out.println(
          ConnectionOptions.help(
              options(),
              "registry-integrity watch --registry HOST --token-file FILE|--webhook-secret-file FILE [options]",
              "Receives the registry's notifications (distribution: POST /events; Forgejo/Gitea: POST"
                  + " /events/forgejo; Harbor: POST /events/harbor) and verifies every tagged push, and every"
                  + " tag a delete may break, a settle delay after its event. GET /metrics, GET /healthz.",
              "Runs until stopped. Exit codes: 2 usage error, 3 could not start."));
      return ExitCode.INTACT;
    }
    if (!line.getArgList().isEmpty()) {
      throw new InputException("watch takes no arguments (got '" + line.getArgList().get(0) + "')");
    }
    String registry =
        ConnectionOptions.registry(
            line, "watch needs --registry HOST[:PORT]: the registry whose events arrive");
    ImageReference.parseRepository(registry + "/probe");
    Optional<String> token = secret(line, "token-file");
    Optional<String> webhookSecret = secret(line, "webhook-secret-file");
    if (token.isEmpty() && webhookSecret.isEmpty()) {
      throw new InputException(
          "watch needs --token-file FILE (distribution's notifications: headers: {Authorization:"
              + " [Bearer <token>]}) or --webhook-secret-file FILE (Forgejo/Gitea and Harbor"
              + " webhooks), or both");
    }
    ConnectionOptions.Connection c = ConnectionOptions.connection(line, environment);
    Receiver.Settings settings =
        new Receiver.Settings(
            ConnectionOptions.address("--listen", line.getOptionValue("listen", ":9110")),
            token,
            webhookSecret,
            Durations.parse("--settle", line.getOptionValue("settle", "2s")),
            ConnectionOptions.positive(
                "--workers", ConnectionOptions.intOption(line, "workers", 2)),
            ConnectionOptions.positive(
                "--queue", ConnectionOptions.intOption(line, "queue", 10_000)),
            ConnectionOptions.positive(
                "--tracked", ConnectionOptions.intOption(line, "tracked", 100_000)),
            new WatchMetrics.SeriesLimit(
                Durations.parse(
                    "--intact-series-ttl", line.getOptionValue("intact-series-ttl", "7d")),
                ConnectionOptions.positive(
                    "--max-intact-series",
                    ConnectionOptions.intOption(line, "max-intact-series", 10_000))));
    Optional<Journal> journal =
        Optional.ofNullable(line.getOptionValue("state-dir"))
            .map(dir -> Journal.open(Path.of(dir), settings.tracked()));
    Verifier.Settings verify =
        c.check(environment, ConnectionOptions.debugLog(err))
            .verifier(new Expectations(Optional.empty(), List.of(), c.requiredArtifactTypes()));
    PushgatewayOptions pushOptions = PushgatewayOptions.read(line, registry, JOB);
    String instance = pushOptions.instance();
    Optional<URI> gateway = pushOptions.gateway();
    String job = pushOptions.job();
    Consumer<String> push =
        gateway
            .<Consumer<String>>map(
                url ->
                    text -> {
                      try {
                        MetricsSinks.push(
                            url, MetricsSinks.grouping(job, instance, Shard.all()), text);
                      } catch (CannotCheckException e) {
                        new Console(err).line("watch: warning: {}", e.getMessage());
                      }
                    })
            .orElse(text -> {});
    Receiver.Checker checker =
        new Receiver.Checker() {
          @Override
          public RunReport check(String repository, List<String> tags) {
            List<TargetReference> targets =
                tags.stream()
                    .map(
                        tag ->
                            (TargetReference)
                                ImageReference.parseRepository(registry + "/" + repository)
                                    .withTag(tag))
                    .toList();
            return new Verifier(verify, environment.clock(), Sleeper.system())
                .verify("watch", targets, List.of());
          }

          @Override
          public boolean tagListed(String repository, String tag) {
            ImageReference ref = ImageReference.parseRepository(registry + "/" + repository);
            try (RegistryClient client =
                RegistryClient.open(
                    ref,
                    new RegistryTransport(
                        verify.transport(),
                        environment.clock(),
                        Sleeper.system(),
                        Deadline.after(environment.clock(), c.timeout())),
                    c.plainHttp())) {
              return client.listTags(ref.repository(), 1000).contains(tag);
            }
          }
        };
    if (journal.isEmpty()) {
      out.println(
          "watch: no --state-dir: a restart or crash loses the checks accepted and not yet verified, every"
              + " verdict and all delete tracking (give --state-dir DIR on a volume to keep them)");
    }
    try (Receiver receiver =
        new Receiver(
            settings,
            checker,
            new WatchMetrics(instance, settings.series()),
            environment.clock(),
            out,
            journal,
            push,
            "watch " + registry,
            Main.version())) {
      new Console(out)
          .line(
              "watch: receiving {}'s events on port {} ({}; GET /, /status.json, /metrics,"
                  + " /healthz); settle"
                  + " {} ms, {} workers",
              registry,
              receiver.port(),
              String.join(
                  ", ",
                  java.util.stream.Stream.concat(
                          token.stream().map(t -> "POST /events"),
                          webhookSecret.stream()
                              .flatMap(
                                  t ->
                                      java.util.stream.Stream.of(
                                          "POST /events/forgejo", "POST /events/harbor")))
                      .toList()),
              settings.settle().toMillis(),
              settings.workers());
      out.flush();
      // SIGTERM (a rollout's stop): take no more events, finish what is in flight, say what is
      // left.
      Runtime.getRuntime().addShutdownHook(new Thread(receiver::close));
      receiver.awaitStop();
    }
    return ExitCode.INTACT;
  }
}
