package dev.registryintegrity.walk;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the walk's tasks: what a task threw comes out as it was thrown. */
final class Futures {
  private Futures() {}

  /**
   * The task's result; an interrupt is kept and ends the walk.
   *
   * @param what names the work in the exception of a checked cause ("walk failed")
   */
  static <T> T join(Future<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw unwrap(e, what);
    }
  }

  /** What a task threw, as it was: a runtime exception or an error, else wrapped once. */
  static RuntimeException unwrap(ExecutionException e, String what) {
    if (e.getCause() instanceof RuntimeException r) {
      return r;
    }
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(what + ": " + e.getCause(), e.getCause());
  }
}
