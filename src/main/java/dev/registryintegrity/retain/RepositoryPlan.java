package dev.registryintegrity.retain;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What retention does to one repository: each tag's fate and why, each kept image and what it
 * keeps, the deletions in the order that never leaves a remaining tag pointing at something gone,
 * and what the registry's collector can then reclaim.
 *
 * @param kept every manifest and blob a kept tag or a kept digest needs: never deleted
 * @param reclaimableBytes the manifests deleted and the blobs only they used, as a collection
 *     ({@code garbage-collect}, no {@code --delete-untagged} needed) would free them
 */
record RepositoryPlan(
    String repository,
    List<TagFate> tags,
    List<KeptImage> keptImages,
    Set<Digest> kept,
    List<Deletion> deletions,
    long reclaimableBytes,
    List<String> notes) {

  RepositoryPlan {
    tags = List.copyOf(tags);
    keptImages = List.copyOf(keptImages);
    kept = Set.copyOf(kept);
    deletions = List.copyOf(deletions);
    notes = List.copyOf(notes);
  }

  /** What becomes of a tag. */
  enum Fate {
    /** A rule keeps it. */
    KEEP("keep"),
    /** It goes, with its manifest and everything only it needed. */
    DROP("drop"),
    /** It goes alone: its manifest stays for something kept. */
    DROP_TAG("drop tag"),
    /** No rule keeps it, yet it stays, and {@code why} says why. */
    KEEP_ANYWAY("kept anyway");

    private final String label;

    Fate(String label) {
      this.label = label;
    }

    /** As the text report prints it. */
    String label() {
      return label;
    }

    /** As JSON and the metrics name it: {@code keep}, {@code drop}, {@code drop_tag}, ... */
    String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean stays() {
      return this == KEEP || this == KEEP_ANYWAY;
    }
  }

  /**
   * @param why each rule that keeps it, or what it takes with it, or why it stays anyway
   */
  record TagFate(String tag, Digest digest, Fate fate, List<String> why) {
    TagFate {
      why = List.copyOf(why);
    }
  }

  /**
   * A kept tag or kept digest and what it keeps.
   *
   * @param name the kept tags on it, or the digest for one kept only as in use
   * @param manifests how many manifests of each kind it keeps (itself included)
   * @param blobs how many configs and layers
   * @param bytes the size of all of them
   */
  record KeptImage(
      String name, Digest digest, Map<Kind, Integer> manifests, int blobs, long bytes) {
    KeptImage {
      manifests = Map.copyOf(manifests);
    }
  }

  /** One change, as the registry is asked for it. */
  sealed interface Deletion {
    Digest digest();

    /** The tag alone ({@code DELETE .../manifests/<tag>}); its manifest stays. */
    record Untag(String tag, Digest digest) implements Deletion {}

    /**
     * The manifest by digest ({@code DELETE .../manifests/<digest>}).
     *
     * @param tags the tags on it, which go with it: each one dropped
     */
    record Remove(Digest digest, Kind kind, List<String> tags) implements Deletion {
      public Remove {
        tags = List.copyOf(tags);
      }
    }
  }

  boolean deletesAnything() {
    return !deletions.isEmpty();
  }

  long count(Fate fate) {
    return tags.stream().filter(t -> t.fate() == fate).count();
  }
}
