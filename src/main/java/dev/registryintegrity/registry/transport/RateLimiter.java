package dev.registryintegrity.registry.transport;

import java.util.concurrent.TimeUnit;

/**
 * Spaces requests evenly at no more than a given rate, so a probe never becomes the registry's
 * biggest client. Callers block until their slot.
 */
public final class RateLimiter {
  private final long intervalNanos;
  private long nextSlot = System.nanoTime();

  /**
   * @param perSecond 0 or less: unlimited
   */
  public RateLimiter(double perSecond) {
    this.intervalNanos = perSecond <= 0 ? 0 : (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
  }

  public static RateLimiter unlimited() {
    return new RateLimiter(0);
  }

  public void acquire() throws InterruptedException {
    if (intervalNanos == 0) {
      return;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long slot = Math.max(now, nextSlot);
      nextSlot = slot + intervalNanos;
      wait = slot - now;
    }
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
