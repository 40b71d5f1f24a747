package dev.registryintegrity.storage;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.References;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Predicts, from a storage directory, what distribution's {@code garbage-collect} would delete, and
 * which of it a tag still needs. The collector is modelled on its own mark-and-sweep
 * (registry/storage/garbagecollect.go): with {@code --delete-untagged} every manifest no tag
 * currently points to loses its revision link; every blob nothing marked is deleted. The versions
 * differ in what they mark: 2.x marks a kept manifest's direct references only, so an index's
 * children (never tagged themselves) lose their links and their configs and layers; v3 marks
 * recursively through manifests the repository holds and spares a marked manifest's link, and also
 * removes the repository's layer links to blobs it deletes (those whose data is still there).
 * Referrers (manifests whose subject is a kept one) are untagged and referenced by nothing in both.
 */
public final class GcCheck {
  /** Which collector: their marking differs. */
  public enum Collector {
    V2,
    V3
  }

  /**
   * What the collector would delete, and what of it breaks a tag.
   *
   * @param revisionLinks "repo@digest": manifests no longer served in that repository
   * @param blobs blobs whose data would be deleted
   * @param layerLinks "repo@digest": blob links removed (v3 only)
   * @param breaks what a tag still needs among them, one line each with its path
   * @param stops why the collector would stop with an error before deleting anything
   */
  public record Prediction(
      Set<String> revisionLinks,
      Set<Digest> blobs,
      Set<String> layerLinks,
      List<Break> breaks,
      List<String> stops) {}

  /**
   * @param tag "repo:tag"
   * @param kind the role the lost digest plays for the tag (manifest, index, attestation, config,
   *     layer, referrer)
   * @param lost "revision link", "blob data", "layer link"
   * @param path tag -> index -> ... -> the digest
   */
  public record Break(String tag, Kind kind, Digest digest, String lost, List<String> path) {}

  private final StorageLayout layout;
  private final StoredManifests manifests;

  public GcCheck(StorageLayout layout) {
    this.layout = layout;
    this.manifests = new StoredManifests(layout);
  }

  public Prediction predict(Collector collector, boolean deleteUntagged) {
    layout.readAllBlobs();
    Set<Digest> marked = new HashSet<>();
    List<String> untagged = new ArrayList<>();
    List<String> stops = new ArrayList<>();
    Set<String> layerLinks = new TreeSet<>();
    Map<String, Map<String, Digest>> tagsOf = new java.util.TreeMap<>();
    for (String repo : layout.repositories()) {
      Map<String, Digest> tags = currentTags(repo);
      tagsOf.put(repo, tags);
      Set<Digest> tagged = new HashSet<>(tags.values());
      List<Digest> listed = layout.revisions(repo);
      Set<Digest> revisions = new HashSet<>(listed);
      for (Digest manifest : listed) {
        if (deleteUntagged && !tagged.contains(manifest)) {
          untagged.add(repo + "@" + manifest);
          continue;
        }
        marked.add(manifest);
        mark(manifest, repo, revisions, collector, marked, stops);
      }
      if (collector == Collector.V3) {
        // v3 lists a repository's doomed layer links right after marking it, so a blob only a
        // later repository marks still loses its link here; its enumeration skips links whose
        // blob data is already gone (both found on v3.0.0)
        for (Digest layer : layout.layers(repo)) {
          if (!marked.contains(layer) && layout.hasData(layer)) {
            layerLinks.add(repo + "@" + layer);
          }
        }
      }
    }
    Set<String> revisionLinks = new TreeSet<>();
    for (String link : untagged) {
      Digest d = Digest.parse(link.substring(link.indexOf('@') + 1));
      // v3 spares the link of a manifest something kept marks; 2.x removes every untagged one.
      if (collector == Collector.V2 || !marked.contains(d)) {
        revisionLinks.add(link);
      }
    }
    Set<Digest> blobs = new TreeSet<>();
    layout.forEachBlob(
        d -> {
          if (!marked.contains(d)) {
            blobs.add(d);
          }
        });
    if (!stops.isEmpty()) {
      return new Prediction(Set.of(), Set.of(), Set.of(), List.of(), stops);
    }
    return new Prediction(
        revisionLinks, blobs, layerLinks, breaks(tagsOf, revisionLinks, blobs, layerLinks), stops);
  }

  private void mark(
      Digest manifest,
      String repo,
      Set<Digest> revisions,
      Collector collector,
      Set<Digest> marked,
      List<String> stops) {
    Optional<Manifest> m = manifests.get(manifest);
    if (m.isEmpty()) {
      stops.add(
          "repository "
              + repo
              + " links manifest "
              + manifest
              + " whose data is missing or unreadable: the collector fails on it (run fsck first)");
      return;
    }
    // The collector marks what a manifest lists, external layers too, and never its subject.
    for (References.Reference ref : References.of(m.get()).children()) {
      boolean already = !marked.add(ref.digest());
      if (collector == Collector.V3 && !already && revisions.contains(ref.digest())) {
        mark(ref.digest(), repo, revisions, collector, marked, stops);
      }
    }
  }

  private Map<String, Digest> currentTags(String repo) {
    Map<String, Digest> tags = new HashMap<>();
    for (String tag : layout.tags(repo)) {
      try {
        layout
            .readLink(layout.tagLink(repo, tag))
            .map(Digest::parse)
            .ifPresent(d -> tags.put(tag, d));
      } catch (CannotCheckException | InputException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // A tag whose link is unreadable points nowhere the collector can see either.
      }
    }
    return tags;
  }

  /** Walks every tag's closure (and its referrers) and names what the deletions take from it. */
  private List<Break> breaks(
      Map<String, Map<String, Digest>> tagsOf,
      Set<String> revisionLinks,
      Set<Digest> blobs,
      Set<String> layerLinks) {
    List<Break> breaks = new ArrayList<>();
    for (String repo : tagsOf.keySet()) {
      Closure closure =
          new Closure(
              repo,
              manifests,
              manifests.referrersIn(repo),
              revisionLinks,
              blobs,
              layerLinks,
              breaks);
      new java.util.TreeMap<>(tagsOf.get(repo))
          .forEach(
              (tag, top) ->
                  closure.walk(
                      repo + ":" + tag,
                      top,
                      manifests.get(top).orElse(null) instanceof Manifest.Index
                          ? Kind.INDEX
                          : Kind.MANIFEST,
                      List.of(repo + ":" + tag),
                      new HashSet<>()));
    }
    return breaks;
  }

  /**
   * One repository's tags walked through storage, every lost piece a {@link Break}.
   *
   * @param breaks where each lost piece is added
   */
  private record Closure(
      String repo,
      StoredManifests manifests,
      Map<Digest, Set<Digest>> referrers,
      Set<String> revisionLinks,
      Set<Digest> blobs,
      Set<String> layerLinks,
      List<Break> breaks) {

    void walk(String tag, Digest digest, Kind kind, List<String> path, Set<Digest> seen) {
      if (!seen.add(digest)) {
        return;
      }
      List<String> here = new ArrayList<>(path);
      here.add(kind.label() + " " + digest);
      boolean isManifest = kind.isManifest();
      if (isManifest && revisionLinks.contains(repo + "@" + digest)) {
        breaks.add(new Break(tag, kind, digest, "revision link", here));
      } else if (!isManifest && layerLinks.contains(repo + "@" + digest)) {
        breaks.add(new Break(tag, kind, digest, "layer link", here));
      } else if (blobs.contains(digest)) {
        breaks.add(new Break(tag, kind, digest, "blob data", here));
      }
      if (!isManifest) {
        return;
      }
      Optional<Manifest> manifest = manifests.get(digest);
      if (manifest.isPresent()) {
        for (References.Reference ref : References.of(manifest.get()).pulled()) {
          walk(tag, ref.digest(), ref.kind(), here, seen);
        }
      }
      for (Digest referrer : referrers.getOrDefault(digest, Set.of())) {
        walk(tag, referrer, Kind.REFERRER, here, seen);
      }
    }
  }
}
