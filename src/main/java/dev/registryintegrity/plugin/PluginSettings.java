package dev.registryintegrity.plugin;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.registry.credentials.CredentialStore;
import dev.registryintegrity.registry.transport.ProxySelection;
import dev.registryintegrity.registry.transport.TlsSettings;
import dev.registryintegrity.registry.transport.TransportSettings;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.walk.WalkLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the plugin step was configured to do, read from its environment once.
 *
 * @param credentialSources which registries have a credential, and from where, for the header
 * @param report where the JSON report goes, already resolved against the workspace
 */
public record PluginSettings(
    List<ImageReference> images,
    CredentialStore credentials,
    List<String> credentialSources,
    boolean plainHttp,
    TlsSettings tls,
    List<Platform> platforms,
    Optional<Digest> expectedDigest,
    String expectedDigestSource,
    int concurrency,
    BlobCheck blobCheck,
    long maxContentBytes,
    boolean referrers,
    List<String> requiredArtifactTypes,
    boolean checkExternal,
    boolean strict,
    Duration timeout,
    int retries,
    Optional<Path> report,
    boolean debug,
    boolean dryRun,
    boolean progress,
    List<String> warnings) {

  /** The settings as the one form every check is built from. */
  public CheckSettings check(ProxySelection proxies) {
    return new CheckSettings(
        plainHttp,
        credentials,
        tls,
        proxies,
        concurrency,
        retries,
        timeout,
        TransportSettings.defaults().connectTimeout(),
        TransportSettings.defaults().readTimeout(),
        blobCheck,
        maxContentBytes,
        referrers,
        requiredArtifactTypes,
        checkExternal,
        strict,
        line -> {},
        Spelling.PLUGIN,
        false);
  }

  public WalkLimits limits() {
    return check(ProxySelection.none()).limits();
  }

  public PluginSettings {
    images = List.copyOf(images);
    credentialSources = List.copyOf(credentialSources);
    platforms = List.copyOf(platforms);
    requiredArtifactTypes = List.copyOf(requiredArtifactTypes);
    warnings = List.copyOf(warnings);
  }
}
