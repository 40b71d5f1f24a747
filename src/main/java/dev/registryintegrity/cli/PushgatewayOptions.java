package dev.registryintegrity.cli;

import java.net.URI;
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

  private static Flags.Defaulted job(String defaultJob) {
    return new Flags.Defaulted("job", "NAME", defaultJob, "Pushgateway job");
  }
}
