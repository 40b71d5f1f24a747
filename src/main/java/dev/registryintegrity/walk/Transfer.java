package dev.registryintegrity.walk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers had and bytes a content check has planned (from the descriptors it walked) and read so
 * far, for a progress line. Written by the walker and the source from many threads, read by a
 * ticker.
 */
public final class Transfer {
  private final AtomicLong planned = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong checked = new AtomicLong();

  /** One more answer from the source: a digest (or a referrer list) checked. */
  public void answered() {
    checked.incrementAndGet();
  }

  public long checked() {
    return checked.get();
  }

  public void planned(long bytes) {
    planned.addAndGet(Math.max(0, bytes));
  }

  public void read(long bytes) {
    done.addAndGet(bytes);
  }

  public long planned() {
    return planned.get();
  }

  public long done() {
    return done.get();
  }
}
