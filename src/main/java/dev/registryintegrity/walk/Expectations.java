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
 */
public record Expectations(Optional<Digest> digest, List<Platform> platforms) {
  public Expectations {
    platforms = List.copyOf(platforms);
  }

  public static Expectations none() {
    return new Expectations(Optional.empty(), List.of());
  }
}
