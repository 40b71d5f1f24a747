package dev.registryintegrity.registry;

/** What a registry answered a {@code DELETE} of a manifest, by digest or by tag. */
public sealed interface DeleteResult {
  /** 202: gone (a digest's tags with it). */
  record Deleted() implements DeleteResult {}

  /** 404: there was nothing under that name: a registry that deletes would have answered 202. */
  record NotFound(String status) implements DeleteResult {}

  /**
   * 405 UNSUPPORTED: the registry does not delete at all (distribution's {@code
   * storage.delete.enabled} is off).
   */
  record DeletesOff(String status) implements DeleteResult {}

  /**
   * The registry cannot delete a tag alone: distribution 2.x reads the reference as a digest and
   * answers 400 DIGEST_INVALID.
   */
  record TagDeleteUnsupported(String status) implements DeleteResult {}

  /** Any other answer, as the registry gave it. */
  record Refused(String status, String reason) implements DeleteResult {}
}
