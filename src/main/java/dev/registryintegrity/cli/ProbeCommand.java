package dev.registryintegrity.cli;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.probe.Metrics;
import dev.registryintegrity.probe.MetricsSinks;
import dev.registryintegrity.probe.ProbeCommandSupport;
import dev.registryintegrity.probe.ProbeOptions;
import dev.registryintegrity.probe.ProbeResult;
import dev.registryintegrity.probe.ProbeServer;
import dev.registryintegrity.probe.Prober;
import dev.registryintegrity.probe.Shard;
import dev.registryintegrity.registry.ManifestCache;
import dev.registryintegrity.registry.transport.RateLimiter;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.registry.transport.TransportSettings;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.Progress;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.verify.CheckSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity probe --registry HOST[:PORT]}: walks every repository and tag and
 * exports the result as Prometheus metrics, once (for a CronJob) or on an interval (a server).
 */
final class ProbeCommand {
  private static final String JOB = "registry_manifest_integrity";
  private final Main.Environment environment;
  private final PrintWriter out;
  private final PrintWriter err;

  ProbeCommand(Main.Environment environment, PrintWriter out, PrintWriter err) {
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
            .desc("the registry to probe (required)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("include")
            .hasArg()
            .argName("GLOB")
            .desc("repositories to probe (repeatable; default all)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("exclude")
            .hasArg()
            .argName("GLOB")
            .desc("repositories to skip (repeatable)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("tags-per-repo")
            .hasArg()
            .argName("N")
            .desc(
                "only the newest N tags of each repository, by their image's created time (default all)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("repos-file")
            .hasArg()
            .argName("FILE")
            .desc("repositories to probe, one per line, for registries that hide the catalog")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("page-size")
            .hasArg()
            .argName("N")
            .desc("entries per catalog and tag-list page (default 100)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("shard")
            .hasArg()
            .argName("I/N")
            .desc("probe only the repositories of shard I of N")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("rps")
            .hasArg()
            .argName("N")
            .desc("at most N requests per second (default no cap)")
            .build());
    PushgatewayOptions.addTo(o, "push metrics there (PUT)", JOB);
    o.addOption(
        Option.builder()
            .longOpt("textfile")
            .hasArg()
            .argName("PATH")
            .desc("write metrics for node_exporter's textfile collector")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("listen")
            .hasArg()
            .argName("ADDR")
            .desc("server mode: serve /metrics and /healthz, e.g. :9100")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("interval")
            .hasArg()
            .argName("DURATION")
            .desc("server mode: time between runs (default 15m)")
            .build());
    o.addOption(ConnectionOptions.format("report on stdout (default text)"));
    return o;
  }

  ExitCode run(String[] args) throws IOException, InterruptedException {
    CommandLine line = ConnectionOptions.parse(options(), args, "probe");
    if (line.hasOption("help")) {
      out.println(
          ConnectionOptions.help(
              options(),
              "registry-integrity probe --registry HOST[:PORT] [options]",
              "Walks every repository and tag of a registry and exports Prometheus metrics.",
              "Exit codes (one-shot): 0 intact, 1 broken references, 2 usage error, 3 could not check (catalog included)."));
      return ExitCode.INTACT;
    }
    if (!line.getArgList().isEmpty()) {
      throw new InputException(
          "probe takes no arguments (got '"
              + line.getArgList().get(0)
              + "'): give --registry HOST[:PORT]");
    }
    String registry =
        ConnectionOptions.registry(
            line, "probe needs --registry HOST[:PORT] (e.g. --registry registry.example.com:5050)");
    ConnectionOptions.Connection c = ConnectionOptions.connection(line, environment);
    double rps = doubleOption(line, "rps");
    ProbeOptions options =
        new ProbeOptions(
            registry,
            c.plainHttp(),
            values(line, "include"),
            values(line, "exclude"),
            line.hasOption("tags-per-repo")
                ? Optional.of(
                    ConnectionOptions.positive(
                        "--tags-per-repo", ConnectionOptions.intOption(line, "tags-per-repo", 0)))
                : Optional.empty(),
            Optional.ofNullable(line.getOptionValue("repos-file")).map(Path::of),
            ConnectionOptions.positive(
                "--page-size", ConnectionOptions.intOption(line, "page-size", 100)),
            line.hasOption("shard") ? Shard.parse(line.getOptionValue("shard")) : Shard.all(),
            rps,
            c.timeout(),
            c.requiredArtifactTypes(),
            // The JSON report lists every node; the text report and the metrics need only what
            // is not intact, so only JSON pays for holding the registry's graph.
            ConnectionOptions.json(line) && !line.hasOption("listen"));
    CheckSettings check = c.check(environment, ConnectionOptions.debugLog(err));
    TransportSettings transport = check.transport().withRateLimiter(new RateLimiter(rps));
    PushgatewayOptions push = PushgatewayOptions.read(line, registry, JOB);
    String instance = push.instance();
    String job = push.job();
    Map<String, String> extraLabels =
        options.shard().isSharded()
            ? Map.of("shard", String.valueOf(options.shard().index()))
            : Map.of();
    Optional<URI> gateway = push.gateway();
    Optional<Path> textfile = Optional.ofNullable(line.getOptionValue("textfile")).map(Path::of);
    boolean json = ConnectionOptions.json(line);

    if (line.hasOption("listen")) {
      Duration interval = Durations.parse("--interval", line.getOptionValue("interval", "15m"));
      // Manifests never change: later runs cost mostly HEADs.
      ManifestCache cache = new ManifestCache(256L * 1024 * 1024);
      Prober prober =
          new Prober(
              options, transport, check.limits(), environment.clock(), Sleeper.system(), cache);
      try (ProbeServer server =
          new ProbeServer(
              ConnectionOptions.address("--listen", line.getOptionValue("listen")),
              interval,
              () -> withInstance(prober.run(), instance),
              extraLabels,
              out,
              "probe " + instance,
              environment.clock(),
              Main.version(),
              prober.counts()::line)) {
        out.println(
            "probe serving / (status page), /status.json, /metrics and /healthz on port "
                + server.port()
                + ", a run every "
                + interval.toSeconds()
                + " s");
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        server.awaitStop();
      }
      return ExitCode.INTACT;
    }

    Prober prober =
        new Prober(options, transport, check.limits(), environment.clock(), Sleeper.system(), null);
    ProbeResult result;
    // A sweep of a large registry takes minutes: stderr says how far it got, a line every few
    // seconds (the report itself stays on stdout).
    try (Progress progress = new Progress(prober.counts()::line, err, environment.terminal())) {
      result = withInstance(prober.run(), instance);
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
    ExitCode sinkFailure = null;
    try {
      textfile.ifPresent(file -> MetricsSinks.writeTextfile(file, metrics));
      gateway.ifPresent(
          url ->
              MetricsSinks.push(
                  url, MetricsSinks.grouping(job, instance, options.shard()), metrics));
    } catch (CannotCheckException e) {
      new Console(err).line("registry-integrity: {}", e.getMessage());
      sinkFailure = ExitCode.CANNOT_CHECK;
    }
    if (json) {
      try {
        new JsonReport(Main.version()).render(result.report(), out);
      } catch (OutOfMemoryError e) {
        throw jsonTooLarge();
      }
      out.println();
    } else {
      // Failures, warnings and notes, then the probe's one summary line: the same verdict as the
      // exit code.
      new TextReport(false, TextReport.Detail.FAILURES)
          .render(result.report(), out, ProbeCommandSupport.summary(result));
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

  private static ProbeResult withInstance(ProbeResult r, String instance) {
    return r.withInstance(instance);
  }

  private static List<String> values(CommandLine line, String name) {
    String[] v = line.getOptionValues(name);
    return v == null ? List.of() : Arrays.asList(v);
  }

  private static double doubleOption(CommandLine line, String name) {
    String v = line.getOptionValue(name);
    if (v == null) {
      return 0;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (d < 0) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new InputException("--" + name + " '" + v + "' is not a non-negative number");
    }
  }
}
