package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatchMetricsTest {
  private static long series(String exposition, String name) {
    return exposition
        .lines()
        .filter(l -> l.startsWith("registry_manifest_integrity_" + name + "{"))
        .count();
  }

  @Test
  void intactSeriesExpireByAgeAndCountWhileFailingAndUncheckedOnesStay() {
    WatchMetrics metrics =
        new WatchMetrics("reg", new WatchMetrics.SeriesLimit(Duration.ofHours(1), 3));
    metrics.verdict("app", "broken", "failed", 2, 0, 1, 1000);
    metrics.verdict("app", "unknown", "unchecked", 0, 0, 1, 1000);
    for (int i = 0; i < 5; i++) {
      metrics.verdict("app", "ok" + i, "intact", 0, 0, 1, 1000 + i);
    }
    String now = metrics.render(0, 1010);
    assertEquals(
        5,
        series(now, "tag_failures"),
        "three newest intact tags, the failing and the unchecked one:\n" + now);
    assertFalse(now.contains("tag=\"ok0\""), now);
    assertTrue(now.contains("tag=\"ok4\""), now);
    String later = metrics.render(0, 1000 + 3600 + 10);
    assertEquals(2, series(later, "tag_failures"), later);
    assertTrue(later.contains("tag=\"broken\"} 2"), later);
    assertTrue(
        later.contains(
            "registry_manifest_integrity_tag_unchecked{instance=\"reg\",repository=\"app\",tag=\"unknown\"} 1"),
        later);
  }

  @Test
  void answersAreCountedByEndpointAndCodeAndIgnoredEventsApart() {
    WatchMetrics metrics = new WatchMetrics("reg");
    metrics.answered("/events/harbor", 202);
    metrics.answered("/events/harbor", 202);
    metrics.answered("/events/forgejo", 401);
    metrics.ignored(3);
    String text = metrics.render(0, 1000);
    assertTrue(
        text.contains(
            "registry_manifest_integrity_watch_requests_total{instance=\"reg\","
                + "endpoint=\"/events/harbor\",code=\"202\"} 2\n"),
        text);
    assertTrue(text.contains("endpoint=\"/events/forgejo\",code=\"401\"} 1\n"), text);
    assertTrue(
        text.contains(
            "registry_manifest_integrity_watch_events_ignored_total{instance=\"reg\"} 3\n"),
        text);
  }
}
