package dev.registryintegrity.retain;

import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.retain.RepositoryPlan.Deletion;
import dev.registryintegrity.retain.RepositoryPlan.Fate;
import dev.registryintegrity.retain.RepositoryPlan.KeptImage;
import dev.registryintegrity.retain.RepositoryPlan.TagFate;
import dev.registryintegrity.walk.ImageAge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, from what was read and the rules, what stays and what goes in one repository. Pure: no
 * I/O, so every rule is a case in a table test.
 *
 * <p>A tag stays when any rule keeps it. Everything a kept tag or kept digest reaches stays
 * (children, attestations, configs, layers, referrers and theirs). A dropped tag whose manifest
 * something kept still reaches goes alone where the registry can delete a tag alone, and stays
 * where it cannot (a delete by digest would take the kept tags too). Everything else a dropped tag
 * reached is deleted by digest, referrers before what they refer to and parents before their
 * children, so no tag that remains ever points at something gone.
 */
public final class Planner {
  /** Whether the registry deletes a tag without its manifest. */
  public enum TagDeletes {
    /** It does (distribution v3, a storage directory). */
    ALONE,
    /** It does not: a delete is by digest, with every tag on it (distribution 2.x). */
    BY_DIGEST_ONLY,
    /** Not asked: a plan sends no DELETE, not even one that cannot delete anything. */
    NOT_ASKED
  }

  /**
   * @param now the moment build ages are measured from
   */
  record Capabilities(TagDeletes tagDeletes, Instant now) {}

  RepositoryPlan plan(
      Inventory inventory,
      KeepRules rules,
      Set<Digest> pinnedDigests,
      Set<String> pinnedTags,
      Capabilities capabilities) {
    Map<String, List<String>> reasons = keepReasons(inventory, rules, pinnedTags, capabilities);
    Set<Digest> keptRoots = new LinkedHashSet<>();
    reasons.keySet().forEach(tag -> keptRoots.add(inventory.imageTags().get(tag)));
    pinnedDigests.stream().filter(inventory.items()::containsKey).forEach(keptRoots::add);
    Set<Digest> kept = inventory.closure(keptRoots);

    List<TagFate> fates = new ArrayList<>();
    Map<String, Digest> dropped = new LinkedHashMap<>();
    List<Deletion> untags = new ArrayList<>();
    inventory
        .imageTags()
        .forEach(
            (tag, digest) -> {
              if (reasons.containsKey(tag)) {
                fates.add(new TagFate(tag, digest, Fate.KEEP, reasons.get(tag)));
              } else {
                fates.add(
                    dropped(tag, digest, kept, capabilities, dropped, untags, inventory, reasons));
              }
            });
    inventory
        .referrerTags()
        .forEach(
            (tag, digest) -> {
              Digest subject = CosignTags.referrerTagSubject(tag).orElseThrow();
              if (kept.contains(subject) || !inventory.items().containsKey(subject)) {
                fates.add(
                    new TagFate(
                        tag,
                        digest,
                        kept.contains(subject) ? Fate.KEEP : Fate.KEEP_ANYWAY,
                        List.of(
                            kept.contains(subject)
                                ? "names kept " + subject
                                : "names "
                                    + subject
                                    + ", which this repository does not hold:"
                                    + " not retention's to judge")));
              } else {
                fates.add(
                    dropped(tag, digest, kept, capabilities, dropped, untags, inventory, reasons));
              }
            });

    List<String> notes = new ArrayList<>();
    List<Deletion> deletions = new ArrayList<>(untags);
    Set<Digest> doomed = new LinkedHashSet<>();
    if (inventory.unreadable().isEmpty()) {
      for (Digest d : inventory.closure(new LinkedHashSet<>(dropped.values()))) {
        if (!kept.contains(d) && inventory.items().containsKey(d)) {
          doomed.add(d);
        }
      }
      deletions.addAll(parentsFirst(doomed, inventory));
    } else {
      String why =
          "nothing is deleted (with --apply, in no repository): "
              + inventory.unreadable().size()
              + " thing(s) could not be read, so what the kept tags need is not fully known"
              + " (first: "
              + inventory.unreadable().get(0)
              + ")";
      deletions.clear();
      notes.add(why);
      fates.replaceAll(
          f ->
              f.fate().stays()
                  ? f
                  : new TagFate(f.tag(), f.digest(), Fate.KEEP_ANYWAY, List.of(why)));
    }
    return new RepositoryPlan(
        inventory.repository(),
        fates,
        keptImages(inventory, reasons.keySet(), keptRoots),
        kept,
        deletions,
        reclaimable(doomed, inventory),
        notes);
  }

  /** A tag no rule keeps: it goes with its manifest, alone, or not at all. */
  private static TagFate dropped(
      String tag,
      Digest digest,
      Set<Digest> kept,
      Capabilities capabilities,
      Map<String, Digest> dropped,
      List<Deletion> untags,
      Inventory inventory,
      Map<String, List<String>> reasons) {
    if (!kept.contains(digest)) {
      dropped.put(tag, digest);
      return new TagFate(tag, digest, Fate.DROP, List.of("no rule keeps it"));
    }
    String keptBy = keptBy(digest, inventory, reasons);
    if (capabilities.tagDeletes() != TagDeletes.BY_DIGEST_ONLY) {
      untags.add(new Deletion.Untag(tag, digest));
      return new TagFate(
          tag,
          digest,
          Fate.DROP_TAG,
          List.of(
              "its manifest stays for "
                  + keptBy
                  + (capabilities.tagDeletes() == TagDeletes.ALONE
                      ? ""
                      : "; the tag goes alone where the registry deletes a tag alone"
                          + " (distribution v3), and stays where it cannot (2.x)")));
    }
    return new TagFate(
        tag,
        digest,
        Fate.KEEP_ANYWAY,
        List.of(
            "its manifest stays for "
                + keptBy
                + ", and this registry deletes only by digest (distribution 2.x), which would"
                + " take that with it"));
  }

  /** What keeps a digest, in words: the kept tags on it, else "a kept image". */
  private static String keptBy(
      Digest digest, Inventory inventory, Map<String, List<String>> reasons) {
    List<String> tags =
        inventory.imageTags().entrySet().stream()
            .filter(e -> e.getValue().equals(digest) && reasons.containsKey(e.getKey()))
            .map(Map.Entry::getKey)
            .toList();
    return tags.isEmpty() ? "a kept image or digest in use" : "kept tag " + String.join(", ", tags);
  }

  /** Each kept image tag with every rule that keeps it; a tag no rule keeps is absent. */
  private static Map<String, List<String>> keepReasons(
      Inventory inventory, KeepRules rules, Set<String> pinnedTags, Capabilities capabilities) {
    Map<String, List<String>> reasons = new LinkedHashMap<>();
    Map<Digest, ImageAge.Age> ages = inventory.ages();
    ImageAge.Newest<Digest> newest = rules.newest().map(n -> ImageAge.newest(ages, n)).orElse(null);
    inventory
        .imageTags()
        .forEach(
            (tag, digest) -> {
              List<String> why = new ArrayList<>();
              if (pinnedTags.contains(tag)) {
                why.add("in use (--keep-digests)");
              }
              rules.tags().stream()
                  .filter(p -> p.matcher(tag).find())
                  .forEach(p -> why.add("matches " + p.pattern()));
              ImageAge.Age age = ages.getOrDefault(digest, new ImageAge.Age.Unknown("not read"));
              if (newest != null && newest.newest().contains(digest)) {
                why.add(
                    "among the newest "
                        + rules.newest().get()
                        + " (built "
                        + ((ImageAge.Age.Known) age).created()
                        + ")");
              }
              if (newest != null && newest.tied().contains(digest)) {
                why.add(
                    "built at "
                        + ((ImageAge.Age.Known) age).created()
                        + ", as the oldest of the newest "
                        + rules.newest().get()
                        + ": a tie is not broken by guessing");
              }
              rules
                  .youngerThan()
                  .ifPresent(limit -> young(age, limit, capabilities.now()).ifPresent(why::add));
              boolean timeRule = rules.newest().isPresent() || rules.youngerThan().isPresent();
              if (timeRule && age instanceof ImageAge.Age.Unknown unknown) {
                why.add("its build time cannot be read (" + unknown.why() + ")");
              }
              if (!why.isEmpty()) {
                reasons.put(tag, why);
              }
            });
    return reasons;
  }

  private static Optional<String> young(ImageAge.Age age, Duration limit, Instant now) {
    if (age instanceof ImageAge.Age.Known k && k.created().isAfter(now.minus(limit))) {
      return Optional.of("built " + k.created() + ", in the last " + Durations.format(limit));
    }
    return Optional.empty();
  }

  /**
   * The manifests to delete, each before everything it refers to: a referrer before its subject, an
   * index before its entries. At every step, what remains is whole.
   */
  private static List<Deletion> parentsFirst(Set<Digest> doomed, Inventory inventory) {
    Map<Digest, Set<Digest>> below = new HashMap<>();
    Map<Digest, Integer> above = new HashMap<>();
    doomed.forEach(d -> above.put(d, 0));
    for (Digest d : doomed) {
      Inventory.Item item = inventory.items().get(d);
      Set<Digest> refs = new LinkedHashSet<>(item.manifests());
      item.subject().ifPresent(refs::add);
      refs.retainAll(doomed);
      // Added to, not replaced: a referrer seen earlier already put its edge here.
      below.computeIfAbsent(d, k -> new LinkedHashSet<>()).addAll(refs);
      for (Digest r : item.referrers()) {
        if (doomed.contains(r)) {
          below.computeIfAbsent(r, k -> new LinkedHashSet<>()).add(d);
        }
      }
    }
    below.values().forEach(set -> set.forEach(c -> above.merge(c, 1, Integer::sum)));
    Map<Digest, List<String>> tagsOn = tagsOn(inventory);
    TreeSet<Digest> ready = new TreeSet<>();
    above.forEach(
        (d, n) -> {
          if (n == 0) {
            ready.add(d);
          }
        });
    List<Deletion> ordered = new ArrayList<>();
    Set<Digest> done = new HashSet<>();
    while (!ready.isEmpty()) {
      Digest d = ready.pollFirst();
      done.add(d);
      ordered.add(
          new Deletion.Remove(
              d, inventory.items().get(d).kind(), tagsOn.getOrDefault(d, List.of())));
      for (Digest c : below.getOrDefault(d, Set.of())) {
        if (above.merge(c, -1, Integer::sum) == 0 && !done.contains(c)) {
          ready.add(c);
        }
      }
    }
    return ordered;
  }

  private static Map<Digest, List<String>> tagsOn(Inventory inventory) {
    Map<Digest, List<String>> tags = new HashMap<>();
    inventory.imageTags().forEach((t, d) -> tags.computeIfAbsent(d, k -> new ArrayList<>()).add(t));
    inventory
        .referrerTags()
        .forEach((t, d) -> tags.computeIfAbsent(d, k -> new ArrayList<>()).add(t));
    return tags;
  }

  /** What a collection frees: the deleted manifests, and the blobs nothing remaining uses. */
  private static long reclaimable(Set<Digest> doomed, Inventory inventory) {
    Set<Digest> usedElsewhere = new HashSet<>();
    inventory
        .items()
        .forEach(
            (d, item) -> {
              if (!doomed.contains(d)) {
                item.blobs().forEach(b -> usedElsewhere.add(b.digest()));
              }
            });
    Map<Digest, Long> freed = new HashMap<>();
    for (Digest d : doomed) {
      Inventory.Item item = inventory.items().get(d);
      freed.put(d, item.size());
      for (Inventory.Blob b : item.blobs()) {
        if (!usedElsewhere.contains(b.digest()) && !doomed.contains(b.digest())) {
          freed.put(b.digest(), Math.max(0, b.size()));
        }
      }
    }
    return freed.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Each kept root and how much it keeps, by kind. */
  private static List<KeptImage> keptImages(
      Inventory inventory, Set<String> keptTags, Set<Digest> keptRoots) {
    Map<Digest, String> names = new LinkedHashMap<>();
    inventory
        .imageTags()
        .forEach(
            (tag, d) -> {
              if (keptTags.contains(tag)) {
                names.merge(d, tag, (a, b) -> a + ", " + b);
              }
            });
    keptRoots.forEach(d -> names.putIfAbsent(d, d.toString()));
    List<KeptImage> images = new ArrayList<>();
    names.forEach(
        (root, name) -> {
          Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
          long bytes = 0;
          Set<Digest> blobs = new HashSet<>();
          for (Digest d : inventory.closure(Set.of(root))) {
            Inventory.Item item = inventory.items().get(d);
            if (item != null) {
              counts.merge(item.kind(), 1, Integer::sum);
              bytes += item.size();
              for (Inventory.Blob b : item.blobs()) {
                if (blobs.add(b.digest())) {
                  bytes += Math.max(0, b.size());
                }
              }
            }
          }
          images.add(new KeptImage(name, root, counts, blobs.size(), bytes));
        });
    return images;
  }
}
