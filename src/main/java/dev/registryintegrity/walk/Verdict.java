package dev.registryintegrity.walk;

import dev.registryintegrity.ExitCode;

/** What a check can answer: "image broken" and "check broken" are never collapsed into one. */
public enum Verdict {
  OK,
  /**
   * Pullable, but worth a person's attention (an orphaned referrer): exit 0, listed apart, and a
   * failure under {@code --strict}.
   */
  WARN,
  /** The image is broken: a pull would fail. */
  FAIL,
  /** The check is broken: nothing is known about the image. */
  UNKNOWN;

  /** Integrity failures outrank could-not-check: a proven hole is a fact whatever else failed. */
  public static ExitCode exitCode(Iterable<Verdict> verdicts) {
    boolean unknown = false;
    for (Verdict v : verdicts) {
      if (v == FAIL) {
        return ExitCode.INTEGRITY_FAILURE;
      }
      unknown |= v == UNKNOWN;
    }
    return unknown ? ExitCode.CANNOT_CHECK : ExitCode.INTACT;
  }
}
