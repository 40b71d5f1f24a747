package dev.registryintegrity.retain;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.walk.ImageAge;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One repository's tagged content as retention reads it once, and plans over: the tags, every
 * manifest they reach (children, attestations, referrers and the referrers' own), and when each
 * tagged image was built.
 *
 * @param imageTags each tag that names an image, and the manifest it points to
 * @param referrerTags each referrers fallback tag or cosign tag ({@code sha256-<hex>[.sig]}), and
 *     the manifest under it: such a tag is no image of its own
 * @param items every manifest read, by digest
 * @param ages when each tagged manifest was built, by its digest
 * @param unreadable what could not be read, each in one line: a plan over a repository with any
 *     deletes nothing there, as what it would keep is not fully known
 */
record Inventory(
    String repository,
    Map<String, Digest> imageTags,
    Map<String, Digest> referrerTags,
    Map<Digest, Item> items,
    Map<Digest, ImageAge.Age> ages,
    List<String> unreadable) {

  /** A blob a manifest names (its config or a layer), with its size for what a collection frees. */
  record Blob(Digest digest, long size) {}

  /**
   * One manifest.
   *
   * @param manifests the manifests it lists (an index's entries)
   * @param blobs its config and layers, external layers left out (no registry holds those)
   * @param subject the manifest it refers to, when it is a referrer
   * @param referrers the manifests that refer to it: found by the referrers API or its fallback
   *     tag's index, under cosign's tags, and the fallback tag's index itself
   */
  record Item(
      Digest digest,
      Kind kind,
      long size,
      List<Digest> manifests,
      List<Blob> blobs,
      Optional<Digest> subject,
      List<Digest> referrers) {}

  /**
   * Every manifest and blob {@code roots} need: what they list, their subjects and their referrers,
   * and so on down. A manifest read whose subject is reached is reached too, whether or not the
   * referrers API or a fallback tag listed it. A digest not read (gone, or never listed) is in the
   * closure all the same: keeping it costs nothing.
   */
  Set<Digest> closure(Set<Digest> roots) {
    Map<Digest, List<Digest>> bySubject = new HashMap<>();
    items.forEach(
        (d, item) ->
            item.subject()
                .ifPresent(s -> bySubject.computeIfAbsent(s, k -> new ArrayList<>()).add(d)));
    Set<Digest> reached = new LinkedHashSet<>();
    Deque<Digest> next = new ArrayDeque<>(roots);
    while (!next.isEmpty()) {
      Digest d = next.pop();
      if (!reached.add(d)) {
        continue;
      }
      next.addAll(bySubject.getOrDefault(d, List.of()));
      Item item = items.get(d);
      if (item == null) {
        continue;
      }
      next.addAll(item.manifests());
      item.subject().ifPresent(next::add);
      next.addAll(item.referrers());
      item.blobs().forEach(b -> reached.add(b.digest()));
    }
    return reached;
  }
}
