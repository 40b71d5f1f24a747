package dev.registryintegrity.cli;

import java.net.URI;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
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
    o.addOption(Option.builder().longOpt("pushgateway").hasArg().argName("URL").desc(when).build());
    o.addOption(
        Option.builder()
            .longOpt("job")
            .hasArg()
            .argName("NAME")
            .desc("Pushgateway job (default " + defaultJob + ")")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("instance")
            .hasArg()
            .argName("NAME")
            .desc("instance label (default the registry)")
            .build());
  }

  static PushgatewayOptions read(CommandLine line, String registry, String defaultJob) {
    return new PushgatewayOptions(
        Optional.ofNullable(line.getOptionValue("pushgateway"))
            .map(u -> ConnectionOptions.uri("--pushgateway", u)),
        line.getOptionValue("job", defaultJob),
        line.getOptionValue("instance", registry));
  }
}
