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
   * Writes a run's metrics to the textfile and pushes them to the gateway, where asked.
   *
   * @param instance the grouping key's instance
   * @return false when a sink failed: said on {@code errors}, and the run exits 3 unless it failed
   *     already
   */
  boolean deliver(
      Optional<Path> textfile, String instance, Shard shard, String metrics, Console errors) {
    try {
      if (textfile.isPresent()) {
        MetricsSinks.writeTextfile(textfile.get(), metrics);
      }
      if (gateway.isPresent()) {
        MetricsSinks.push(gateway.get(), MetricsSinks.grouping(job, instance, shard), metrics);
      }
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
