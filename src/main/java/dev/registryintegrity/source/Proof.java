package dev.registryintegrity.source;

import java.util.Locale;

/** What an answer proved about a piece of content, weakest first; shown next to every "ok". */
public enum Proof {
  /** The source says it has it (a HEAD answered 200): not that its bytes can be had. */
  LISTED,
  /** The source produced bytes: a registry sent the first byte, a file is there with its size. */
  SERVED,
  /** Every byte was read and hashed to the digest it was asked for. */
  HASHED,
  /**
   * Held outside the registry by design (a descriptor with {@code urls}, a foreign or
   * non-distributable layer): clients fetch it from its URL, so the registry's 404 is no hole.
   */
  EXTERNAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
