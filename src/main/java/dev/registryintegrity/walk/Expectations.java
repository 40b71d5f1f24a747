package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Platform;
import java.util.List;
import java.util.Optional;

/**
 * What the caller knows the image must be, beyond "everything it references exists".
 *
 * @param digest the digest the tag must resolve to (pinned from the push step)
 * @param platforms platforms the index must contain
 * @param artifactTypes artifact types of which the image must have at least one intact referrer (a
 *     signature, an SBOM): deploy-time policy refuses an image without them
 */
public record Expectations(
    Optional<Digest> digest, List<Platform> platforms, List<String> artifactTypes) {
  public Expectations {
    platforms = List.copyOf(platforms);
    artifactTypes = List.copyOf(artifactTypes);
  }

  public Expectations(Optional<Digest> digest, List<Platform> platforms) {
    this(digest, platforms, List.of());
  }

  public static Expectations none() {
    return new Expectations(Optional.empty(), List.of(), List.of());
  }
}
