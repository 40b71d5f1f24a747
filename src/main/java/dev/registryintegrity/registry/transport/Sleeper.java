package dev.registryintegrity.registry.transport;

import java.time.Duration;

/** Waits between retries; tests pass one that does not wait. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  static Sleeper system() {
    return duration -> Thread.sleep(duration);
  }
}
