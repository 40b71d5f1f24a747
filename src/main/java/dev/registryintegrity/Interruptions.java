package dev.registryintegrity;

/**
 * Whether a failure is an interruption: a walk cut short (a deadline, a shutdown), which is no
 * answer to remember, however many layers wrapped it.
 */
public final class Interruptions {
  private Interruptions() {}

  public static boolean causedBy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }
}
