package dev.registryintegrity.registry;

import dev.registryintegrity.model.Digest;

/** What a write to a registry came to; a refused credential is not one of these (exit 3). */
public sealed interface PushResult {
  /**
   * The content is in the repository now.
   *
   * @param indexedSubject for a manifest with a subject: the subject the registry says it listed it
   *     under in its referrers API (the {@code OCI-Subject} answer header); empty for registries
   *     without that API, and for everything else
   */
  record Done(java.util.Optional<Digest> indexedSubject) implements PushResult {
    public static Done done() {
      return new Done(java.util.Optional.empty());
    }
  }

  /** A cross-repository mount found nothing to mount; the session it opened was abandoned. */
  record NotMounted(String status) implements PushResult {}

  /** The registry refused the write ("400 MANIFEST_BLOB_UNKNOWN: ..."). */
  record Refused(String status, String reason) implements PushResult {}

  /**
   * The bytes sent were not the blob's (another digest or size): the upload was abandoned, never
   * committed.
   */
  record WrongBytes(Digest actual, long size) implements PushResult {}
}
