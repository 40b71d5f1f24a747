package dev.registryintegrity.plugin;

import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.walk.Expectations;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the plugin step was configured to do, read from its environment once.
 *
 * @param check the check, as the command line's options would make it
 * @param expectations the digest every tag must resolve to, the platforms, the required referrers
 * @param expectedDigestSource where the expected digest came from, for the header
 * @param credentialSources which registries have a credential, and from where, for the header
 * @param report where the JSON report goes, already resolved against the workspace
 * @param detail how much the step log shows of an intact image
 * @param progress a progress line while a long check runs
 * @param dryRun check the settings only
 */
public record PluginSettings(
    List<ImageReference> images,
    CheckSettings check,
    Expectations expectations,
    String expectedDigestSource,
    List<String> credentialSources,
    Optional<Path> report,
    TextReport.Detail detail,
    boolean progress,
    List<String> warnings,
    boolean dryRun) {

  public PluginSettings {
    images = List.copyOf(images);
    credentialSources = List.copyOf(credentialSources);
    warnings = List.copyOf(warnings);
  }
}
