package dev.registryintegrity.watch;

import static dev.registryintegrity.watch.Images.INTACT;
import static dev.registryintegrity.watch.Images.MISSING;
import static dev.registryintegrity.watch.Images.UNREACHABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class VerifyWorkersTest {
  private static final Duration SETTLE = Duration.ofSeconds(1);
  private static final Digest LAYER = FakeRegistry.LAYER;

  private final ManualClock clock = new ManualClock();
  private final PushQueue queue = new PushQueue(clock, SETTLE, 10);
  private final StringWriter out = new StringWriter();
  private final WatchLog log = new WatchLog(new PrintWriter(out));
  private final WatchMetrics metrics = new WatchMetrics("reg");
  private final VerdictLedger ledger =
      new VerdictLedger(metrics, Optional.empty(), new DeleteTracking(100), log);
  private final List<String> pushed = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final FakeRegistry registry = new FakeRegistry();

  private VerifyWorkers workers() {
    Receiving shared =
        new Receiving(
            queue,
            ledger,
            new DeleteTracking(100),
            metrics,
            Optional.empty(),
            clock,
            log,
            stopping::get);
    return new VerifyWorkers(shared, 1, registry, SETTLE, pushed::add);
  }

  /** What is due now, taken as a worker takes it. */
  private List<PushQueue.Pending> due() throws InterruptedException {
    return queue.takeBatch(Duration.ZERO);
  }

  /** Pushes {@code tags} and lets them settle. */
  private void pushed(String... tags) {
    for (String tag : tags) {
      queue.offer("app", tag);
    }
    clock.advance(SETTLE);
  }

  private String metric(String sample) {
    return Exposed.value(metrics.render(queue.size(), clock.instant().getEpochSecond()), sample);
  }

  private static String tagSeries(String name, String tag) {
    return name + "{instance=\"reg\",repository=\"app\",tag=\"" + tag + "\"}";
  }

  @Test
  void anUncheckedTagIsRetriedWithDoublingDelayUpToTheCap() throws Exception {
    registry.layers.put("v1", UNREACHABLE);
    VerifyWorkers workers = workers();
    Instant first = clock.instant();
    pushed("v1");
    List<Duration> delays = new ArrayList<>();
    for (int seconds : new int[] {2, 4, 8, 16, 32}) {
      delays.add(Duration.ofSeconds(seconds));
    }
    delays.add(VerifyWorkers.MAX_RETRY_DELAY);
    delays.add(VerifyWorkers.MAX_RETRY_DELAY);
    for (Duration delay : delays) {
      List<PushQueue.Pending> batch = due();
      assertEquals(1, batch.size(), "due again after " + delay);
      assertEquals(first, batch.get(0).firstEvent(), "the latency still counts from the push");
      workers.verify(batch);
      clock.advance(delay.minusMillis(1));
      assertEquals(List.of(), due(), "not due before " + delay);
      clock.advance(Duration.ofMillis(1));
    }
    assertEquals("7", metric("watch_checks_retried_total{instance=\"reg\"}"));
    assertEquals("1", metric(tagSeries("tag_unchecked", "v1")));
  }

  @Test
  void aCheckThatIsMadeStartsTheDoublingAgainForTheTagsNextFailure() throws Exception {
    VerifyWorkers workers = workers();
    registry.layers.put("v1", UNREACHABLE);
    pushed("v1");
    workers.verify(due());
    clock.advance(Duration.ofSeconds(2));
    workers.verify(due());
    clock.advance(Duration.ofSeconds(4));
    registry.layers.put("v1", INTACT);
    workers.verify(due());
    assertEquals(0, queue.size(), "an intact verdict is not tried again");
    registry.layers.put("v1", UNREACHABLE);
    pushed("v1");
    workers.verify(due());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, due().size(), "back to twice the settle delay");
  }

  @Test
  void oneWalkVerifiesARepositorysDueTagsAndEachVerdictIsLoggedThenPushed() throws Exception {
    registry.layers.put("v1", MISSING);
    pushed("v1", "v2");
    workers().verify(due());
    assertEquals(List.of(List.of("v1", "v2")), registry.walks);
    List<String> lines = out.toString().lines().toList();
    assertEquals(
        "watch: FAILED reg/app:v1 -> "
            + Images.manifestOf("reg/app:v1")
            + " (2 digests, 1.0 s after the event)",
        lines.get(0));
    assertEquals(
        "watch: INTACT reg/app:v2 -> "
            + Images.manifestOf("reg/app:v2")
            + " (2 digests, 1.0 s after the event)",
        lines.get(1));
    assertTrue(
        lines.stream().skip(2).anyMatch(l -> l.contains(LAYER.toString())),
        "the failure report names what is missing:\n" + out);
    assertEquals(1, pushed.size());
    assertTrue(pushed.get(0).contains(tagSeries("tag_failures", "v1") + " 1\n"), pushed.get(0));
    assertTrue(pushed.get(0).contains(tagSeries("tag_failures", "v2") + " 0\n"), pushed.get(0));
  }

  @Test
  void aTagThatNoLongerResolvesAndIsNotListedWasDeletedOnPurpose() throws Exception {
    VerifyWorkers workers = workers();
    pushed("v1");
    workers.verify(due());
    registry.unresolved.add("v1");
    pushed("v1");
    workers.verify(due());
    assertEquals("(none)", metric(tagSeries("tag_failures", "v1")));
    assertEquals("1", metric("watch_tags_gone_total{instance=\"reg\"}"));
    assertEquals(0, queue.size());
    assertTrue(
        out.toString()
            .contains(
                "watch: reg/app:v1 is gone (manifest unknown, not in tags/list): deleted on"
                    + " purpose, its series are removed\n"),
        out.toString());
  }

  @Test
  void aTagStillListedOrThatTheListingCannotTellAboutWhoseManifestIsGoneFails() throws Exception {
    VerifyWorkers workers = workers();
    registry.unresolved.addAll(List.of("v1", "v2"));
    registry.listed.add("v1");
    pushed("v1");
    workers.verify(due());
    registry.listingFails = true;
    pushed("v2");
    workers.verify(due());
    assertEquals("1", metric(tagSeries("tag_failures", "v1")));
    assertEquals("1", metric(tagSeries("tag_failures", "v2")));
    assertEquals("0", metric("watch_tags_gone_total{instance=\"reg\"}"));
  }

  @Test
  void aWalkCutShortByTheStopGivesNoVerdict() throws Exception {
    pushed("v1");
    List<PushQueue.Pending> batch = due();
    stopping.set(true);
    Thread.currentThread().interrupt();
    try {
      workers().verify(batch);
    } finally {
      assertTrue(Thread.interrupted(), "the stop's interrupt is left for the worker to see");
    }
    assertEquals("(none)", metric(tagSeries("tag_failures", "v1")));
    assertEquals("", out.toString());
    assertEquals(List.of(), pushed);
  }

  @Test
  void aWorkerOutlivesAWalkThatThrowsAndTheCheckIsTriedAgain() throws Exception {
    registry.breakdowns.set(1);
    VerifyWorkers workers = workers();
    workers.start();
    try {
      pushed("v1");
      await(() -> metric("watch_checks_retried_total{instance=\"reg\"}").equals("1"));
      assertTrue(
          out.toString()
              .startsWith(
                  "watch: verifying app failed: java.lang.IllegalStateException: the walk broke"),
          out.toString());
      clock.advance(Duration.ofSeconds(2));
      await(() -> metric(tagSeries("tag_failures", "v1")).equals("0"));
      // The verdict is recorded just before the worker counts its batch done.
      await(() -> workers.inFlight() == 0);
    } finally {
      stopping.set(true);
      // The worker waits on the queue by this clock: past its wait, it sees the stop.
      clock.advance(Duration.ofSeconds(1));
      workers.stop(Duration.ofSeconds(5));
    }
    assertEquals(2, registry.walks.size());
    assertFalse(out.toString().contains("UNCHECKED"), out.toString());
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    Instant giveUp = Instant.now().plusSeconds(10);
    while (!condition.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(giveUp), "waited 10 s");
      Thread.sleep(10);
    }
  }
}
