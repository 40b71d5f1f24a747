package dev.registryintegrity.watch;

import static dev.registryintegrity.watch.Images.digest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registryintegrity.model.Digest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeleteTrackingTest {
  private static final Digest SHARED = digest("shared layer");
  private static final Digest OWN = digest("own layer");
  private static final TagKey A = new TagKey("app", "a");
  private static final TagKey B = new TagKey("app", "b");
  private static final TagKey C = new TagKey("app", "c");

  private static List<TagKey> tracked(DeleteTracking tracking) {
    return List.of(A, B, C).stream()
        .filter(key -> !tracking.tagsReaching("app", digest(key.tag())).isEmpty())
        .toList();
  }

  /** Each tag reaches a digest of its own name, so {@link #tracked} can ask who is remembered. */
  private static void reach(DeleteTracking tracking, TagKey key) {
    tracking.reached(key, Set.of(digest(key.tag()), SHARED));
  }

  @Test
  void aDeletedDigestMapsToTheTagsOfItsRepositoryThatReachedIt() {
    DeleteTracking tracking = new DeleteTracking(100);
    tracking.reached(A, Set.of(SHARED, OWN));
    tracking.reached(B, Set.of(SHARED));
    tracking.reached(new TagKey("other", "a"), Set.of(SHARED, OWN));
    assertEquals(List.of(A, B), tracking.tagsReaching("app", SHARED));
    assertEquals(List.of(A), tracking.tagsReaching("app", OWN));
    assertEquals(List.of(), tracking.tagsReaching("app", digest("never pushed")));
  }

  @Test
  void pastTheLimitTheTagLeastRecentlyUsedIsForgottenFirst() {
    DeleteTracking tracking = new DeleteTracking(2);
    reach(tracking, A);
    reach(tracking, B);
    // A check of A that could not be made asks for its digests: A is in use again.
    assertEquals(Set.of(digest("a"), SHARED), tracking.lastReached(A));
    reach(tracking, C);
    assertEquals(List.of(A, C), tracked(tracking));
  }

  @Test
  void countingTheDigestsForTheStatusPageLeavesTheOrderAlone() {
    DeleteTracking tracking = new DeleteTracking(2);
    reach(tracking, A);
    tracking.reached(B, Set.of(digest("b")));
    assertEquals(Map.of(A, 2, B, 1), tracking.digestCounts());
    reach(tracking, C);
    assertEquals(List.of(B, C), tracked(tracking));
  }

  @Test
  void aForgottenTagMapsNoDeleteAndATagNeverCheckedReachedNothing() {
    DeleteTracking tracking = new DeleteTracking(100);
    reach(tracking, A);
    tracking.forget(A);
    assertEquals(List.of(), tracking.tagsReaching("app", SHARED));
    assertEquals(Set.of(), tracking.lastReached(A));
  }
}
