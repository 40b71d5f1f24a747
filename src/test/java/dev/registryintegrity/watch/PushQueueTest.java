package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushQueueTest {
  private final ManualClock clock = new ManualClock();
  private final PushQueue queue = new PushQueue(clock, Duration.ofSeconds(2), 3);

  @Test
  void manyEventsForOneTagBecomeOneCheckTimedFromTheFirstEvent() throws Exception {
    Instant first = clock.instant();
    queue.offer("app", "v1");
    clock.advance(Duration.ofMillis(500));
    queue.offer("app", "v1");
    queue.offer("app", "v1");
    assertEquals(1, queue.size());
    clock.advance(Duration.ofSeconds(2));
    List<PushQueue.Pending> batch = queue.takeBatch();
    assertEquals(1, batch.size());
    assertEquals(first, batch.get(0).firstEvent());
    assertEquals(0, queue.size());
  }

  @Test
  void aTagWaitsTheSettleDelayAfterItsLatestEvent() throws Exception {
    Instant first = clock.instant();
    queue.offer("app", "v1");
    clock.advance(Duration.ofMillis(1500));
    queue.offer("app", "v1");
    clock.advance(Duration.ofSeconds(5));
    assertEquals(
        first.plusMillis(3500),
        queue.takeBatch().get(0).due(),
        "2 s after the second event, not the first");
  }

  @Test
  void aTagRepushedFasterThanTheSettleDelayIsStillVerifiedInTime() throws Exception {
    Instant first = clock.instant();
    for (int i = 0; i < 20; i++) {
      queue.offer("app", "latest");
      clock.advance(Duration.ofSeconds(1));
    }
    List<PushQueue.Pending> batch = queue.takeBatch();
    assertEquals(first.plus(Duration.ofSeconds(2 * PushQueue.MAX_SETTLES)), batch.get(0).due());
  }

  @Test
  void dueTagsOfOneRepositoryAreTakenTogetherAndOtherRepositoriesWait() throws Exception {
    queue.offer("app", "v1");
    queue.offer("other", "v1");
    queue.offer("app", "v2");
    clock.advance(Duration.ofSeconds(3));
    List<PushQueue.Pending> batch = queue.takeBatch();
    assertEquals(List.of("app", "app"), batch.stream().map(PushQueue.Pending::repository).toList());
    assertEquals(List.of("v1", "v2"), batch.stream().map(PushQueue.Pending::tag).toList());
    assertEquals("other", queue.takeBatch().get(0).repository());
  }

  @Test
  void aFullQueueRefusesNewTagsButStillAcceptsTagsItHolds() {
    assertTrue(queue.offer("a", "1"));
    assertTrue(queue.offer("a", "2"));
    assertTrue(queue.offer("a", "3"));
    assertFalse(queue.offer("a", "4"));
    assertTrue(queue.offer("a", "2"), "a repeat event for a queued tag costs nothing");
    assertEquals(3, queue.size());
  }

  @Test
  void aRetriedCheckIsDueAfterItsDelayEvenWhenTheQueueIsFullAndKeepsItsFirstEvent()
      throws Exception {
    Instant first = clock.instant();
    for (String tag : List.of("a", "b", "c")) {
      assertTrue(queue.offer("app", tag));
    }
    assertFalse(queue.offer("app", "d"), "full");
    queue.retry("app", "d", first, Duration.ofSeconds(30));
    assertEquals(4, queue.size(), "an accepted check goes back whatever the capacity");
    clock.advance(Duration.ofSeconds(2));
    assertEquals(
        List.of("a", "b", "c"),
        queue.takeBatch(Duration.ZERO).stream().map(PushQueue.Pending::tag).toList());
    assertEquals(List.of(), queue.takeBatch(Duration.ZERO), "d is not due yet");
    clock.advance(Duration.ofSeconds(28));
    List<PushQueue.Pending> retried = queue.takeBatch(Duration.ZERO);
    assertEquals(List.of("d"), retried.stream().map(PushQueue.Pending::tag).toList());
    assertEquals(first, retried.get(0).firstEvent());
  }

  @Test
  void aNewEventBringsARetryForwardNeverLater() throws Exception {
    queue.retry("app", "v1", clock.instant(), Duration.ofMinutes(1));
    assertTrue(queue.offer("app", "v1"));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, queue.takeBatch(Duration.ZERO).size());
  }
}
