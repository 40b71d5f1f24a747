package dev.registryintegrity.cli;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.probe.MetricsSinks;
import dev.registryintegrity.probe.Shard;
import dev.registryintegrity.report.Console;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code --pushgateway URL --job NAME --instance NAME}, as probe and watch take them.
 *
 * @param gateway where to PUT the metrics, if anywhere
 * @param job the grouping key's job
 * @param instance the grouping key's and the series' instance label
 */
record PushgatewayOptions(Optional<URI> gateway, String job, String instance) {
  static void addTo(Options o, String when, String defaultJob) {
    o.addOption(Flags.valued("pushgateway", "URL", when));
    o.addOption(job(defaultJob).option());
    o.addOption(Flags.valued("instance", "NAME", "instance label (default the registry)"));
  }

  static PushgatewayOptions read(CommandLine line, String registry, String defaultJob) {
    return new PushgatewayOptions(
        Optional.ofNullable(line.getOptionValue("pushgateway"))
            .map(u -> Flags.url("--pushgateway", u)),
        job(defaultJob).value(line),
        line.getOptionValue("instance", registry));
  }

  /**
   * What became of a run's metrics: each sink asked for is tried, whatever the other did.
   *
   * @param textfileFailed the textfile was asked for and could not be written
   * @param pushFailed the gateway was asked for and did not take them
   */
  record Delivery(boolean textfileFailed, boolean pushFailed) {
    boolean failed() {
      return textfileFailed || pushFailed;
    }
  }

  /**
   * Writes a run's metrics to the textfile and pushes them to the gateway, where asked. A sink that
   * fails is said on {@code errors}; the run then exits 3 unless it failed already.
   *
   * @param instance the grouping key's instance
   */
  Delivery deliver(
      Optional<Path> textfile, String instance, Shard shard, String metrics, Console errors) {
    boolean textfileFailed = textfile.isPresent() && !write(textfile.get(), metrics, errors);
    boolean pushFailed = false;
    if (gateway.isPresent()) {
      try {
        MetricsSinks.push(gateway.get(), MetricsSinks.grouping(job, instance, shard), metrics);
      } catch (CannotCheckException e) {
        errors.line("registry-integrity: {}", e.getMessage());
        pushFailed = true;
      }
    }
    return new Delivery(textfileFailed, pushFailed);
  }

  /** Writes the textfile alone; false, said on {@code errors}, when it could not be. */
  static boolean write(Path textfile, String metrics, Console errors) {
    try {
      MetricsSinks.writeTextfile(textfile, metrics);
      return true;
    } catch (CannotCheckException e) {
      errors.line("registry-integrity: {}", e.getMessage());
      return false;
    }
  }

  private static Flags.Defaulted job(String defaultJob) {
    return new Flags.Defaulted("job", "NAME", defaultJob, "Pushgateway job");
  }
}
