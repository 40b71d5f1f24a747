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
    o.addOption(Flags.valued("job", "NAME", "Pushgateway job (default " + defaultJob + ")"));
    o.addOption(Flags.valued("instance", "NAME", "instance label (default the registry)"));
  }

  static PushgatewayOptions read(CommandLine line, String registry, String defaultJob) {
    return new PushgatewayOptions(
        Optional.ofNullable(line.getOptionValue("pushgateway"))
            .map(u -> Flags.url("--pushgateway", u)),
        line.getOptionValue("job", defaultJob),
        line.getOptionValue("instance", registry));
  }
}
