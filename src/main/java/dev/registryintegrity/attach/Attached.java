package dev.registryintegrity.attach;

import dev.registryintegrity.model.Digest;

/** Where readers will find an attached artifact. */
public sealed interface Attached {
  /** The artifact manifest's digest. */
  Digest manifest();

  /** The image it is attached to. */
  Digest subject();

  /** The registry said (OCI-Subject) its referrers API lists the artifact under the subject. */
  record Listed(Digest manifest, Digest subject) implements Attached {}

  /**
   * The registry has no referrers API: the artifact is an entry of the index under the fallback tag
   * {@code tag}, added now or already there.
   *
   * @param added false when the index already held it (nothing was written)
   */
  record Tagged(Digest manifest, Digest subject, String tag, boolean added) implements Attached {}
}
