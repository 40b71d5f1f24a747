package dev.registryintegrity.registry.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Ends an exchange in flight from another thread. The guard decides when; the wire decides what it
 * means (HttpClient's classic API cancels the request and its socket read, an async client would
 * cancel its future). Fired at most once; an action registered after it fired runs at once.
 */
final class Abort {
  private final CompletableFuture<Void> fired = new CompletableFuture<>();

  void fire() {
    fired.complete(null);
  }

  boolean fired() {
    return fired.isDone();
  }

  /** Runs {@code action} when this fires: on the firing thread, or at once if it already has. */
  void whenFired(Runnable action) {
    fired.thenRun(action);
  }
}
