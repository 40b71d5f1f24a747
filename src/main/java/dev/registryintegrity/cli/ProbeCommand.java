package dev.registryintegrity.cli;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.probe.Metrics;
import dev.registryintegrity.probe.ProbeCommandSupport;
import dev.registryintegrity.probe.ProbeOptions;
import dev.registryintegrity.probe.ProbeResult;
import dev.registryintegrity.probe.ProbeServer;
import dev.registryintegrity.probe.Prober;
import dev.registryintegrity.probe.Shard;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.registry.ManifestCache;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.Progress;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.verify.CheckSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity probe --registry HOST[:PORT]}: walks every repository and tag and
 * exports the result as Prometheus metrics, once (for a CronJob) or on an interval (a server).
 */
final class ProbeCommand implements Command {
  private static final String JOB = "registry_manifest_integrity";
  private static final Flags.Defaulted PAGE_SIZE =
      new Flags.Defaulted("page-size", "N", "100", "entries per catalog and tag-list page");
  private static final Flags.Defaulted INTERVAL =
      new Flags.Defaulted("interval", "DURATION", "15m", "server mode: time between runs");

  @Override
  public About about() {
    return new About(
        "probe",
        "",
        "walk a whole registry and export Prometheus metrics",
        "registry-integrity probe --registry HOST[:PORT] [options]",
        "Walks every repository and tag of a registry and exports Prometheus metrics.",
        "Exit codes (one-shot): 0 intact, 1 broken references, 2 usage error, 3 could not check"
            + " (catalog included).");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(Flags.valued("registry", "HOST[:PORT]", "the registry to probe (required)"));
    o.addOption(Flags.valued("include", "GLOB", "repositories to probe (repeatable; default all)"));
    o.addOption(Flags.valued("exclude", "GLOB", "repositories to skip (repeatable)"));
    o.addOption(
        Flags.valued(
            "tags-per-repo",
            "N",
            "only the newest N tags of each repository, by their image's created time (default"
                + " all)"));
    o.addOption(
        Flags.valued(
            "repos-file",
            "FILE",
            "repositories to probe, one per line, for registries that hide the catalog"));
    o.addOption(PAGE_SIZE.option());
    o.addOption(Flags.valued("shard", "I/N", "probe only the repositories of shard I of N"));
    o.addOption(Flags.valued("rps", "N", "at most N requests per second (default no cap)"));
    PushgatewayOptions.addTo(o, "push metrics there (PUT)", JOB);
    o.addOption(
        Flags.valued("textfile", "PATH", "write metrics for node_exporter's textfile collector"));
    o.addOption(
        Flags.valued(
            "listen",
            "ADDR",
            "server mode: serve the status page (/), /status.json, /metrics and /healthz, e.g."
                + " :9100"));
    o.addOption(INTERVAL.option());
    o.addOption(Flags.format("report on stdout"));
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) throws IOException, InterruptedException {
    if (!line.getArgList().isEmpty()) {
      throw new InputException(
          "probe takes no arguments (got '"
              + line.getArgList().get(0)
              + "'): give --registry HOST[:PORT]");
    }
    RegistryName registry =
        Flags.registry(
            line, "probe needs --registry HOST[:PORT] (e.g. --registry registry.example.com:5050)");
    CheckSettings check = ConnectionOptions.check(line, context);
    double rps = Flags.nonNegative(line, "rps");
    boolean json = Flags.json(line);
    ProbeOptions options =
        new ProbeOptions(
            registry,
            Flags.repeated(line, "include"),
            Flags.repeated(line, "exclude"),
            line.hasOption("tags-per-repo")
                ? Optional.of(
                    Flags.positive("--tags-per-repo", line.getOptionValue("tags-per-repo")))
                : Optional.empty(),
            Optional.ofNullable(line.getOptionValue("repos-file")).map(Path::of),
            Flags.positive(PAGE_SIZE, line),
            line.hasOption("shard") ? Shard.parse(line.getOptionValue("shard")) : Shard.all(),
            rps,
            // The JSON report lists every node; the text report and the metrics need only what
            // is not intact, so only JSON pays for holding the registry's graph.
            json && !line.hasOption("listen"));
    PushgatewayOptions push = PushgatewayOptions.read(line, registry.name(), JOB);
    String instance = push.instance();
    Map<String, String> extraLabels =
        options.shard().isSharded()
            ? Map.of("shard", String.valueOf(options.shard().index()))
            : Map.of();
    Optional<Path> textfile = Optional.ofNullable(line.getOptionValue("textfile")).map(Path::of);
    Clock clock = context.environment().clock();

    if (line.hasOption("listen")) {
      Duration interval = Flags.duration(INTERVAL, line);
      // Manifests never change: later runs cost mostly HEADs.
      ManifestCache cache = new ManifestCache(256L * 1024 * 1024);
      Prober prober = new Prober(options, check, clock, Sleeper.system(), cache);
      try (ProbeServer server =
          new ProbeServer(
              Flags.address("--listen", line.getOptionValue("listen")),
              interval,
              () -> prober.run().withInstance(instance),
              extraLabels,
              context.out(),
              "probe " + instance,
              clock,
              Main.version(),
              prober.counts()::line)) {
        context
            .console()
            .line(
                "probe serving / (status page), /status.json, /metrics and /healthz on port {},"
                    + " a run every {} s",
                server.port(),
                interval.toSeconds());
        context.out().flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.awaitStop();
      }
      return ExitCode.INTACT;
    }

    Prober prober = new Prober(options, check, clock, Sleeper.system(), null);
    ProbeResult result;
    // A sweep of a large registry takes minutes: stderr says how far it got, a line every few
    // seconds (the report itself stays on stdout).
    try (Progress progress =
        new Progress(prober.counts()::line, context.err(), context.environment().terminal())) {
      result = prober.run().withInstance(instance);
    } catch (OutOfMemoryError e) {
      if (json) {
        throw jsonTooLarge();
      }
      throw e;
    }
    String metrics =
        Metrics.render(
            result,
            result.succeeded()
                ? OptionalLong.of(result.finishedAt().getEpochSecond())
                : OptionalLong.empty(),
            extraLabels);
    ExitCode sinkFailure =
        push.deliver(textfile, instance, options.shard(), metrics, context.errors()).failed()
            ? ExitCode.CANNOT_CHECK
            : null;
    if (json) {
      try {
        context.console().json(w -> new JsonReport(Main.version()).render(result.report(), w));
      } catch (OutOfMemoryError e) {
        throw jsonTooLarge();
      }
    } else {
      // Failures, warnings and notes, then the probe's one summary line: the same verdict as the
      // exit code.
      new TextReport(false, TextReport.Detail.FAILURES)
          .render(result.report(), context.out(), ProbeCommandSupport.summary(result));
    }
    ExitCode code = result.report().exitCode();
    return code == ExitCode.INTACT && sinkFailure != null ? sinkFailure : code;
  }

  /**
   * The one run whose memory grows with the registry by design: the JSON report lists every node,
   * so it holds them all (measured: about 64 KiB a tag).
   */
  private static CannotCheckException jsonTooLarge() {
    return new CannotCheckException(
        "out of memory: --format json keeps every node of the registry for its report (about"
            + " 64 KiB a tag): give the JVM more heap (-Xmx), or use the text report, the metrics"
            + " or --include");
  }
}
