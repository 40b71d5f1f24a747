package dev.registryintegrity.watch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tags waiting to be verified. Bounded (a full queue refuses, it never blocks the registry's
 * notification request), one entry per (repository, tag) however many events name it, and each
 * entry waits a settle delay after its latest event: an index is pushed after its children, and a
 * re-push of the same tag within the delay collapses into one check.
 */
public final class PushQueue {
  /**
   * A tag to verify, and when the first event that asked for it arrived (for the latency metric).
   */
  public record Pending(String repository, String tag, Instant firstEvent, Instant due) {}

  /**
   * However often a tag's events keep coming, it is verified within this many settle delays of the
   * first.
   */
  static final int MAX_SETTLES = 5;

  private final Map<TagKey, Pending> pending = new LinkedHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Clock clock;
  private final Duration settle;
  private final int capacity;

  public PushQueue(Clock clock, Duration settle, int capacity) {
    this.clock = clock;
    this.settle = settle;
    this.capacity = capacity;
  }

  /** Asks for a check of the tag; false when the queue is full and the request was dropped. */
  public boolean offer(String repository, String tag) {
    lock.lock();
    try {
      Instant now = clock.instant();
      TagKey key = new TagKey(repository, tag);
      Pending before = pending.get(key);
      if (before == null && pending.size() >= capacity) {
        return false;
      }
      Instant first = before == null ? now : before.firstEvent();
      // A tag re-pushed faster than the settle delay would otherwise wait for ever.
      Instant latest = first.plus(settle.multipliedBy(MAX_SETTLES));
      Instant due = now.plus(settle).isAfter(latest) ? latest : now.plus(settle);
      pending.put(key, new Pending(repository, tag, first, due));
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts back a check that could not be made (the registry was down): due after {@code delay},
   * keeping its first event for the latency metric. Never refused for capacity: it was accepted.
   */
  public void retry(String repository, String tag, Instant firstEvent, Duration delay) {
    lock.lock();
    try {
      TagKey key = new TagKey(repository, tag);
      Pending newer = pending.get(key);
      Instant due = clock.instant().plus(delay);
      // A new event for the tag since the failed check brings it forward; never later.
      if (newer == null || newer.due().isAfter(due)) {
        pending.put(
            key, new Pending(repository, tag, firstEvent, newer == null ? due : newer.due()));
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Requeues a check accepted before a restart (from the journal), due a settle delay from now. */
  public void restore(String repository, String tag, Instant firstEvent) {
    lock.lock();
    try {
      pending.putIfAbsent(
          new TagKey(repository, tag),
          new Pending(repository, tag, firstEvent, clock.instant().plus(settle)));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int size() {
    lock.lock();
    try {
      return pending.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until some entry's settle delay has passed, then takes it and every other due entry of
   * the same repository, so one walk verifies them together and shares their blobs.
   */
  public List<Pending> takeBatch() throws InterruptedException {
    return takeBatch(null);
  }

  /**
   * As {@link #takeBatch()}, but gives up after {@code maxWait} (null: never) with an empty batch.
   */
  public List<Pending> takeBatch(Duration maxWait) throws InterruptedException {
    lock.lock();
    try {
      Instant giveUp = maxWait == null ? null : clock.instant().plus(maxWait);
      while (true) {
        Instant now = clock.instant();
        Pending due = null;
        Instant next = null;
        for (Pending p : pending.values()) {
          if (!p.due().isAfter(now)) {
            due = p;
            break;
          }
          next = next == null || p.due().isBefore(next) ? p.due() : next;
        }
        if (due != null) {
          List<Pending> batch = new ArrayList<>();
          for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.repository().equals(due.repository()) && !p.due().isAfter(now)) {
              batch.add(p);
              it.remove();
            }
          }
          return batch;
        }
        if (giveUp != null && !now.isBefore(giveUp)) {
          return List.of();
        }
        long waitMillis = next == null ? 1000 : Math.max(1, Duration.between(now, next).toMillis());
        if (giveUp != null) {
          waitMillis = Math.min(waitMillis, Math.max(1, Duration.between(now, giveUp).toMillis()));
        }
        changed.await(waitMillis, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }
}
