package dev.registryintegrity.source;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;

/**
 * Where content comes from: a registry over HTTP, an OCI layout on disk, a registry's storage
 * directory. The walker's only view of the world, so one walker and one report serve all three.
 *
 * <p>Implementations are safe for concurrent use. An answer is data: a definitive "not there" is
 * {@link Lookup.Absent}, "could not find out" is {@link Lookup.Unavailable}; neither throws.
 */
public interface ContentSource extends AutoCloseable {
  /** What kind of place this is and which: "registry 127.0.0.1:5000", "OCI layout DIR". */
  Origin origin();

  /** For messages and report headers: the origin's description. */
  default String describe() {
    return origin().description();
  }

  /**
   * Reads a manifest by tag or digest, with its body (at most {@code maxBytes}; more is {@link
   * Lookup.TooLarge}).
   */
  Lookup fetchManifest(String repository, ManifestRef reference, int maxBytes);

  /** Asks whether a manifest exists, without its body (cheaper; Docker Hub does not count it). */
  Lookup checkManifest(String repository, Digest digest);

  /**
   * Checks a blob (config or layer) of this repository as hard as {@code check} says: listed, first
   * byte served, or every byte read and hashed ({@link Lookup.Found#proof()} says which was done; a
   * source may prove more than asked, never less without saying so in a note).
   */
  Lookup checkBlob(String repository, Digest digest, BlobCheck check);

  /**
   * The bytes of a small blob (an image's config, to learn when it was built), at most {@code
   * maxBytes}; empty when the source does not hold it or it is larger. Throws only when the source
   * could not be asked.
   */
  default java.util.Optional<byte[]> readBlob(String repository, Digest digest, int maxBytes) {
    return java.util.Optional.empty();
  }

  /**
   * Done with {@code repository} for now: what this source remembered of it (a tag listing for
   * referrer tags, a referrer list) may go, and is asked again if it is needed again.
   */
  default void forget(String repository) {}

  /**
   * Reads the first byte of an external layer from the first URL its descriptor names, with no
   * credentials of any registry. Sources that cannot fetch URLs answer {@link Lookup.Unavailable}.
   */
  default Lookup checkExternal(dev.registryintegrity.model.Descriptor descriptor) {
    return new Lookup.Unavailable("-", describe() + " does not fetch external URLs");
  }

  /**
   * The manifests whose subject is {@code subject}, however this source records them. Sources that
   * cannot tell answer an empty list and say so in a note.
   */
  default ReferrerLookup referrers(String repository, Digest subject) {
    return new ReferrerLookup.Found(
        java.util.List.of(), java.util.List.of(describe() + " cannot list referrers"));
  }

  /** Requests made so far, for the report and the benchmark. */
  long requestCount();

  /** Facts about the source worth a line in the report, e.g. the registry's rate limit left. */
  default java.util.List<String> notes() {
    return java.util.List.of();
  }

  @Override
  default void close() {}
}
