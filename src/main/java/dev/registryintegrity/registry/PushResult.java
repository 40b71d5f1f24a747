package dev.registryintegrity.registry;

import dev.registryintegrity.model.Digest;

/** What a write to a registry came to; a refused credential is not one of these (exit 3). */
public sealed interface PushResult {
  /** The content is in the repository now. */
  record Done() implements PushResult {}

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
