package dev.registryintegrity.retain;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.retain.RepositoryPlan.Deletion;
import dev.registryintegrity.retain.RepositoryPlan.Fate;
import dev.registryintegrity.retain.RepositoryPlan.TagFate;
import dev.registryintegrity.walk.WalkLimits;
import dev.registryintegrity.walk.Window;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Carries out one repository's plan. Just before its deletions the repository's tags are resolved
 * again, and nothing is deleted that a tag pushed or moved since the plan now reaches; a tag that
 * moved is not deleted. A deletion that fails stops the repository's: what follows may be below it.
 *
 * <p>What is not guaranteed: between that resolution and each DELETE, a push can still land. A
 * registry that deletes a tag alone never loses it (a tag is only ever deleted alone, and only if
 * it still points where the plan said); a delete by digest takes every tag on the manifest at that
 * moment, and distribution has no conditional delete, so a tag pushed onto a doomed manifest in
 * that window goes with it.
 *
 * @param fresh reads the store afresh (not remembered), for what a tag the plan did not know
 *     reaches
 */
record Applier(Store store, Scanner fresh, WalkLimits limits) {
  /** What became of one deletion. */
  enum Result {
    DELETED,
    /** Not asked for: something now needs it, or it is gone already. */
    SKIPPED,
    /** Asked for and refused, or the request failed: the repository's deletions stop here. */
    FAILED,
    /** Not asked for: an earlier deletion failed. */
    NOT_TRIED
  }

  record Done(Deletion deletion, Result result, String status) {}

  /**
   * @param raced each tag pushed, moved or deleted since the plan, and what that kept
   */
  record Applied(String repository, List<Done> done, List<String> raced) {
    Applied {
      done = List.copyOf(done);
      raced = List.copyOf(raced);
    }

    long count(Result result) {
      return done.stream().filter(d -> d.result() == result).count();
    }
  }

  Applied apply(RepositoryPlan plan, Inventory inventory) {
    String repository = plan.repository();
    Map<String, Digest> dropped = new HashMap<>();
    for (TagFate t : plan.tags()) {
      if (t.fate() == Fate.DROP || t.fate() == Fate.DROP_TAG) {
        dropped.put(t.tag(), t.digest());
      }
    }
    Map<String, Digest> now = resolveAll(repository);
    Set<Digest> needed = new HashSet<>(plan.kept());
    List<String> raced = new ArrayList<>();
    Map<String, Digest> planned = new LinkedHashMap<>(inventory.imageTags());
    planned.putAll(inventory.referrerTags());
    // What every tag standing now reaches: from what the plan read where it can, read afresh for
    // manifests it never saw; each closure once, not once a tag.
    Set<Digest> known = new HashSet<>();
    Set<Digest> unknown = new HashSet<>();
    now.forEach(
        (tag, digest) -> {
          if (digest.equals(dropped.get(tag))) {
            return;
          }
          if (!digest.equals(planned.get(tag))) {
            raced.add(
                "tag "
                    + tag
                    + (planned.containsKey(tag) ? " moved" : " was pushed")
                    + " since the plan (now "
                    + digest
                    + "): what it reaches is kept");
          }
          (inventory.items().containsKey(digest) ? known : unknown).add(digest);
        });
    needed.addAll(inventory.closure(known));
    if (!unknown.isEmpty()) {
      needed.addAll(fresh.closure(repository, unknown));
    }
    planned.keySet().stream()
        .filter(tag -> !now.containsKey(tag))
        .forEach(tag -> raced.add("tag " + tag + " was deleted since the plan"));

    List<Done> done = new ArrayList<>();
    boolean failed = false;
    for (Deletion deletion : plan.deletions()) {
      if (failed) {
        done.add(new Done(deletion, Result.NOT_TRIED, "an earlier deletion failed"));
        continue;
      }
      Done one = deleteOne(repository, deletion, now, needed);
      failed = one.result() == Result.FAILED;
      done.add(one);
    }
    return new Applied(repository, done, raced);
  }

  private Done deleteOne(
      String repository, Deletion deletion, Map<String, Digest> now, Set<Digest> needed) {
    try {
      return switch (deletion) {
        case Deletion.Untag untag -> {
          Digest current = now.get(untag.tag());
          if (!untag.digest().equals(current)) {
            yield new Done(
                deletion,
                Result.SKIPPED,
                current == null ? "the tag is gone already" : "the tag moved since the plan");
          }
          yield outcome(deletion, store.deleteTag(repository, untag.tag()));
        }
        case Deletion.Remove remove -> {
          if (needed.contains(remove.digest())) {
            yield new Done(
                deletion, Result.SKIPPED, "a tag pushed or moved since the plan reaches it");
          }
          yield outcome(deletion, store.deleteManifest(repository, remove.digest()));
        }
      };
    } catch (RuntimeException e) {
      // One failure stops the repository's deletions, whatever it is: what follows may be below.
      return new Done(deletion, Result.FAILED, String.valueOf(e.getMessage()));
    }
  }

  private static Done outcome(Deletion deletion, Store.Outcome outcome) {
    Result result =
        switch (outcome.result()) {
          case DONE -> Result.DELETED;
          case GONE -> Result.SKIPPED;
          case REFUSED -> Result.FAILED;
        };
    return new Done(deletion, result, outcome.status());
  }

  /** Every tag of the repository and where it points now, asked afresh. */
  private Map<String, Digest> resolveAll(String repository) {
    List<String> tags = store.tags(repository);
    Map<String, Digest> now = new LinkedHashMap<>();
    try (Window<Optional<Digest>> window = Window.forLimits(limits)) {
      for (String tag : tags) {
        window.submit(() -> store.resolve(repository, tag));
      }
      List<Optional<Digest>> digests = window.results();
      for (int i = 0; i < tags.size(); i++) {
        String tag = tags.get(i);
        digests.get(i).ifPresent(d -> now.put(tag, d));
      }
    }
    return now;
  }
}
