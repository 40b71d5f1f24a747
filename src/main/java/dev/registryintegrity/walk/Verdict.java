package dev.registryintegrity.walk;

import dev.registryintegrity.ExitCode;

/** The three answers a check can give; never collapsed into two. */
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
