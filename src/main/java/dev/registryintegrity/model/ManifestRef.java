package dev.registryintegrity.model;

import java.util.Optional;

/**
 * What names a manifest in a repository: a tag, or a digest. Sources and the walk are given one of
 * these, never a string whose shape would decide which it is.
 */
public sealed interface ManifestRef {
  /**
   * A tag. In an OCI layout the empty tag stands for index.json itself (everything the layout
   * holds), as {@code oci:DIR} without a tag asks.
   */
  record Tag(String name) implements ManifestRef {
    @Override
    public String toString() {
      return name;
    }
  }

  record ByDigest(Digest digest) implements ManifestRef {
    @Override
    public String toString() {
      return digest.toString();
    }
  }

  static ManifestRef tag(String name) {
    return new Tag(name);
  }

  static ManifestRef of(Digest digest) {
    return new ByDigest(digest);
  }

  /** The digest it names, when it names one. */
  default Optional<Digest> asDigest() {
    return this instanceof ByDigest d ? Optional.of(d.digest()) : Optional.empty();
  }
}
