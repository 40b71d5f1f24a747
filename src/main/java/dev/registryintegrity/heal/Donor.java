package dev.registryintegrity.heal;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.registry.RegistryClient;
import java.util.Optional;

/**
 * Where missing content may survive: another registry or repository, an OCI layout, a storage
 * directory. A donor only reads; what it hands over is checked against the digest before it is
 * committed, so a donor that serves wrong bytes costs a try, never a wrong blob.
 */
public interface Donor {
  /** For the report: "registry mirror.example:5000 repository team/app", "OCI layout ./out". */
  String describe();

  /** A manifest's bytes as this donor holds them, not yet checked against the digest. */
  Answer<byte[]> manifest(Digest digest, int maxBytes);

  /** Whether this donor holds the blob (cheap: for the plan of a dry run). */
  Answer<String> holds(Descriptor blob);

  /**
   * Puts the blob into {@code repository} of {@code target}: a mount where the donor is the same
   * registry, else a copy whose bytes are hashed before the upload is committed.
   */
  Given give(Descriptor blob, RegistryClient target, String repository, Transfer transfer);

  /**
   * What a donor said: the thing, or why not ("404 BLOB_UNKNOWN", "no such file").
   *
   * @param value the manifest's bytes, or for a blob how it would be moved ("mount", "copy")
   */
  record Answer<T>(Optional<T> value, String why) {
    public static <T> Answer<T> of(T value) {
      return new Answer<>(Optional.of(value), "");
    }

    public static <T> Answer<T> no(String why) {
      return new Answer<>(Optional.empty(), why);
    }
  }

  /**
   * A blob handed over, or not.
   *
   * @param method "mount" or "copy"
   * @param result what the target registry made of it
   * @param why when the donor could not hand it over at all, why ("404", "served wrong bytes")
   */
  record Given(
      String method, Optional<dev.registryintegrity.registry.PushResult> result, String why) {
    static Given by(String method, dev.registryintegrity.registry.PushResult result) {
      return new Given(method, Optional.of(result), "");
    }

    static Given not(String method, String why) {
      return new Given(method, Optional.empty(), why);
    }

    public boolean done() {
      return result
          .map(r -> r instanceof dev.registryintegrity.registry.PushResult.Done)
          .orElse(false);
    }
  }

  /** Bytes copied so far, for the progress line. */
  final class Transfer {
    private final java.util.concurrent.atomic.AtomicLong bytes =
        new java.util.concurrent.atomic.AtomicLong();

    public void moved(long n) {
      bytes.addAndGet(n);
    }

    public long bytes() {
      return bytes.get();
    }
  }
}
