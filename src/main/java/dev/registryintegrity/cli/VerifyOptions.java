package dev.registryintegrity.cli;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.Credentials;
import dev.registryintegrity.registry.TlsSettings;
import dev.registryintegrity.report.TextReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything {@code verify} was asked to do, parsed and validated once at the edge. */
public record VerifyOptions(
    List<TargetReference> targets,
    boolean plainHttp,
    Optional<Credentials> credentials,
    TlsSettings tls,
    int concurrency,
    int retries,
    Duration timeout,
    Format format,
    Optional<Path> reportFile,
    boolean color,
    TextReport.Detail detail,
    List<Platform> platforms,
    Optional<Digest> expectedDigest) {

  public enum Format {
    TEXT,
    JSON
  }

  public VerifyOptions {
    targets = List.copyOf(targets);
    platforms = List.copyOf(platforms);
  }
}
