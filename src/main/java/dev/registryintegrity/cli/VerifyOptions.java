package dev.registryintegrity.cli;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.report.TextReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Everything {@code verify} was asked to do, parsed and validated once at the edge. */
public record VerifyOptions(
    List<TargetReference> targets,
    ConnectionOptions.Connection connection,
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
