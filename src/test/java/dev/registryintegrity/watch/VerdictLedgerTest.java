package dev.registryintegrity.watch;

import static dev.registryintegrity.watch.Images.INTACT;
import static dev.registryintegrity.watch.Images.MISSING;
import static dev.registryintegrity.watch.Images.UNREACHABLE;
import static dev.registryintegrity.watch.Images.digest;
import static dev.registryintegrity.watch.Images.image;
import static dev.registryintegrity.watch.Images.manifestOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.status.Status;
import dev.registryintegrity.walk.Finding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerdictLedgerTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Digest LAYER = digest("layer");
  private static final TagKey V1 = new TagKey("app", "v1");
  private static final TagKey V2 = new TagKey("app", "v2");

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final WatchLog log = new WatchLog(new PrintWriter(out));
  private final WatchMetrics metrics = new WatchMetrics("reg");
  private final DeleteTracking tracking = new DeleteTracking(100);

  private VerdictLedger ledger(Optional<Journal> journal) {
    return new VerdictLedger(metrics, journal, tracking, log);
  }

  private static String series(TagKey key) {
    return "registry_manifest_integrity_tag_failures{instance=\"reg\",repository=\""
        + key.repository()
        + "\",tag=\""
        + key.tag()
        + "\"}";
  }

  private void publish(VerdictLedger ledger, TagKey key, Finding layer) {
    ledger.publish(
        ledger.record(key, image("reg/" + key.repository() + ":" + key.tag(), LAYER, layer), NOW),
        1.0);
  }

  @Test
  void aVerdictIsJournaledAtOnceAndItsSeriesChangeOnlyWhenPublished() throws Exception {
    Journal.TagVerdict verdict;
    try (Journal journal = Journal.open(dir, 100)) {
      VerdictLedger ledger = ledger(Optional.of(journal));
      verdict = ledger.record(V1, image("reg/app:v1", LAYER, MISSING), NOW);
      assertEquals(
          new Journal.TagVerdict(
              "app",
              "v1",
              TagResult.FAILED,
              1,
              0,
              NOW.getEpochSecond(),
              Set.of(manifestOf("reg/app:v1"), LAYER)),
          verdict);
      assertFalse(metrics.render(0, NOW.getEpochSecond()).contains(series(V1)));
      ledger.publish(verdict, 2.5);
      assertTrue(metrics.render(0, NOW.getEpochSecond()).contains(series(V1) + " 1\n"));
    }
    assertEquals(List.of(verdict), Journal.open(dir, 100).state().verdicts());
  }

  @Test
  void aCheckThatCouldNotBeMadeKeepsTheDigestsOfTheLastOneThatWas() {
    VerdictLedger ledger = ledger(Optional.empty());
    ledger.record(V1, image("reg/app:v1", LAYER, INTACT), NOW);
    Digest unseen = digest("a layer the failed walk named");
    Journal.TagVerdict unchecked = ledger.record(V1, image("reg/app:v1", unseen, UNREACHABLE), NOW);
    assertEquals(TagResult.UNCHECKED, unchecked.result());
    assertEquals(Set.of(manifestOf("reg/app:v1"), LAYER), unchecked.digests());
    assertEquals(List.of(V1), tracking.tagsReaching("app", LAYER));
    assertEquals(List.of(), tracking.tagsReaching("app", unseen));
  }

  @Test
  void theStatusPageShowsFailingTagsFirstWithWhatTheyLackUntilAnIntactCheckClearsIt() {
    VerdictLedger ledger = ledger(Optional.empty());
    publish(ledger, V2, INTACT);
    publish(ledger, V1, MISSING);
    Status status = ledger.status("watch reg", NOW);
    assertEquals(
        List.of(
            new Status.Row("app:v1", "broken", -1, 2, 1, NOW),
            new Status.Row("app:v2", "intact", -1, 2, 0, NOW)),
        status.rows());
    assertEquals(1, status.problems().size());
    assertEquals("reg/app:v1", status.problems().get(0).image());
    assertEquals(Optional.of(LAYER.toString()), status.problems().get(0).digest());
    publish(ledger, V1, INTACT);
    assertEquals(List.of(), ledger.status("watch reg", NOW).problems());
    assertEquals("intact", ledger.status("watch reg", NOW).rows().get(0).verdict());
  }

  @Test
  void viewingTheStatusPageDoesNotReorderDeleteTracking() {
    // Intact series expire long before delete tracking forgets a tag: the page shows v1 alone.
    WatchMetrics expiring =
        new WatchMetrics("reg", new WatchMetrics.SeriesLimit(Duration.ofHours(1), 100));
    DeleteTracking two = new DeleteTracking(2);
    VerdictLedger ledger = new VerdictLedger(expiring, Optional.empty(), two, log);
    Digest v1Layer = digest("v1 layer");
    Digest v2Layer = digest("v2 layer");
    Journal.TagVerdict v1 = ledger.record(V1, image("reg/app:v1", v1Layer, MISSING), NOW);
    Journal.TagVerdict v2 =
        ledger.record(V2, image("reg/app:v2", v2Layer, INTACT), NOW.minus(Duration.ofHours(2)));
    ledger.publish(v2, 1);
    ledger.publish(v1, 1);
    assertEquals(
        List.of("app:v1"),
        ledger.status("watch reg", NOW).rows().stream().map(Status.Row::name).toList());
    // A third tag: the tag least recently checked goes, v1, though the page just showed it.
    ledger.record(new TagKey("app", "v3"), image("reg/app:v3", digest("v3 layer"), INTACT), NOW);
    assertEquals(List.of(), two.tagsReaching("app", v1Layer));
    assertEquals(List.of(V2), two.tagsReaching("app", v2Layer));
  }

  @Test
  void aDeletedTagLeavesNoSeriesProblemDigestsOrJournalLine() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      VerdictLedger ledger = ledger(Optional.of(journal));
      publish(ledger, V1, MISSING);
      ledger.forget(V1);
      Status status = ledger.status("watch reg", NOW);
      assertEquals(List.of(), status.rows());
      assertEquals(List.of(), status.problems());
      assertEquals(List.of(), tracking.tagsReaching("app", LAYER));
      assertFalse(metrics.render(0, NOW.getEpochSecond()).contains(series(V1)));
    }
    assertEquals(List.of(), Journal.open(dir, 100).state().verdicts());
  }

  @Test
  void aTagGoneOnPurposeIsForgottenAndCounted() {
    VerdictLedger ledger = ledger(Optional.empty());
    publish(ledger, V1, MISSING);
    ledger.gone(V1);
    String text = metrics.render(0, NOW.getEpochSecond());
    assertFalse(text.contains(series(V1)), text);
    assertTrue(
        text.contains("registry_manifest_integrity_watch_tags_gone_total{instance=\"reg\"} 1\n"),
        text);
  }

  @Test
  void whatTheLastRunJournaledComesBackAtStart() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      journal.accepted(List.of(new Journal.Accepted("app", "v2", NOW)));
      journal.verdict(
          new Journal.TagVerdict("app", "v1", TagResult.FAILED, 1, 0, 1000, Set.of(LAYER)));
    }
    try (Journal journal = Journal.open(dir, 100)) {
      PushQueue queue = new PushQueue(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(1), 10);
      ledger(Optional.of(journal)).replay(queue);
      assertEquals(1, queue.size());
      assertEquals(List.of(V1), tracking.tagsReaching("app", LAYER));
      assertTrue(metrics.render(0, NOW.getEpochSecond()).contains(series(V1) + " 1\n"));
      assertEquals(
          "watch: state from "
              + journal.file()
              + ": 1 tag verdicts, 1 accepted checks queued again",
          out.toString().strip());
    }
  }

  @Test
  void aVerdictTheJournalCannotKeepIsSaidAndStillCounts() {
    Journal journal = Journal.open(dir, 100);
    journal.close();
    VerdictLedger ledger = ledger(Optional.of(journal));
    publish(ledger, V1, MISSING);
    assertTrue(out.toString().startsWith("watch: cannot write the journal ("), out.toString());
    assertTrue(out.toString().strip().endsWith("): this verdict is not kept"), out.toString());
    assertTrue(metrics.render(0, NOW.getEpochSecond()).contains(series(V1) + " 1\n"));
  }
}
