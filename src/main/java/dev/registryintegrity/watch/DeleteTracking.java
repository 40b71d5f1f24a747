package dev.registryintegrity.watch;

import dev.registryintegrity.model.Digest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The digests each tag reached at its last completed check, so that a deleted digest maps to the
 * tags it breaks: distribution's delete event names a digest, never the tags that reach it. Bounded
 * by {@code tracked} tags; past that, the tag least recently checked is forgotten first.
 */
final class DeleteTracking {
  private final Map<TagKey, Set<Digest>> reached;

  DeleteTracking(int tracked) {
    this.reached =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<TagKey, Set<Digest>> eldest) {
                return size() > tracked;
              }
            });
  }

  /** What a completed check (or the journal of one) found the tag to reach. */
  void reached(TagKey key, Set<Digest> digests) {
    reached.put(key, digests);
  }

  /**
   * The digests of the tag's last completed check (none when there was none), kept when a check
   * could not be made. Asking counts as a use: the tag moves away from being forgotten.
   */
  Set<Digest> lastReached(TagKey key) {
    return reached.getOrDefault(key, Set.of());
  }

  void forget(TagKey key) {
    reached.remove(key);
  }

  /** The tags of {@code repository} whose last completed check reached {@code digest}. */
  List<TagKey> tagsReaching(String repository, Digest digest) {
    List<TagKey> tags = new ArrayList<>();
    synchronized (reached) {
      reached.forEach(
          (key, digests) -> {
            if (key.repository().equals(repository) && digests.contains(digest)) {
              tags.add(key);
            }
          });
    }
    return tags;
  }

  /**
   * How many digests each tag reached, for the status page. A get would move each tag in the
   * access-ordered map: viewing the page must not change which tags are forgotten first, and
   * iterating leaves the order alone.
   */
  Map<TagKey, Integer> digestCounts() {
    Map<TagKey, Integer> counts = new HashMap<>();
    reached.forEach((key, digests) -> counts.put(key, digests.size()));
    return counts;
  }
}
