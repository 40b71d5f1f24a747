package dev.registryintegrity.retain;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.model.References;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import dev.registryintegrity.walk.ImageAge;
import dev.registryintegrity.walk.ReferrerKinds;
import dev.registryintegrity.walk.WalkLimits;
import dev.registryintegrity.walk.Window;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads one repository into an {@link Inventory}: its tags, each tag's manifest and everything it
 * reaches (children, attestations, referrers, the referrers' own), and each image's build time,
 * through a source that asks each question once.
 */
final class Scanner {
  private final Store store;
  private final ContentSource source;
  private final WalkLimits limits;
  private final ManifestParser parser = new ManifestParser();

  /**
   * @param source the store's content, remembered for the plan (see {@link Remembered})
   */
  Scanner(Store store, ContentSource source, WalkLimits limits) {
    this.store = store;
    this.source = source;
    this.limits = limits;
  }

  /**
   * @param pinned digests kept in this repository whether tagged or not: read too, so what they
   *     reach is known (and kept)
   */
  Inventory scan(String repository, Set<Digest> pinned) {
    Reading reading = new Reading(repository);
    Map<String, Digest> imageTags = new TreeMap<>();
    Map<String, Digest> referrerTags = new TreeMap<>();
    List<String> tags = store.tags(repository);
    try (Window<Optional<Digest>> window = Window.forLimits(limits)) {
      for (String tag : tags) {
        window.submit(() -> reading.tag(tag));
      }
      List<Optional<Digest>> roots = window.results();
      for (int i = 0; i < tags.size(); i++) {
        String tag = tags.get(i);
        roots
            .get(i)
            .ifPresent(
                d ->
                    (CosignTags.referrerTagSubject(tag).isPresent() ? referrerTags : imageTags)
                        .put(tag, d));
      }
    }
    for (Digest d : pinned) {
      reading.read(d, reading.fetch(d), Optional.empty(), 0);
    }
    // A referrer tag's manifest belongs to the image it is named after: kept and deleted with it.
    referrerTags.forEach(
        (tag, target) ->
            CosignTags.referrerTagSubject(tag)
                .filter(reading.items::containsKey)
                .ifPresent(subject -> reading.referredBy(subject, target)));
    ImageAge age = new ImageAge(source, limits.maxManifestBytes());
    Map<Digest, ImageAge.Age> ages = new LinkedHashMap<>();
    new LinkedHashSet<>(imageTags.values())
        .forEach(root -> ages.put(root, age.of(repository, ManifestRef.of(root))));
    return new Inventory(
        repository,
        imageTags,
        referrerTags,
        Map.copyOf(reading.items),
        ages,
        List.copyOf(reading.unreadable));
  }

  /**
   * Everything {@code roots} reach in {@code repository}, read afresh: what a tag pushed or moved
   * since the plan needs.
   */
  Set<Digest> closure(String repository, Set<Digest> roots) {
    Reading reading = new Reading(repository);
    for (Digest d : roots) {
      reading.read(d, reading.fetch(d), Optional.empty(), 0);
    }
    if (!reading.unreadable.isEmpty()) {
      throw new CannotCheckException(
          "what " + repository + " needs now cannot be read: " + reading.unreadable.get(0));
    }
    return new Inventory(
            repository, Map.of(), Map.of(), Map.copyOf(reading.items), Map.of(), List.of())
        .closure(roots);
  }

  /** One repository's reading in progress: what is read so far, and what could not be. */
  private final class Reading {
    private final String repository;
    private final Map<Digest, Inventory.Item> items = new ConcurrentHashMap<>();
    private final List<String> unreadable = Collections.synchronizedList(new ArrayList<>());

    Reading(String repository) {
      this.repository = repository;
    }

    /** A tag's manifest and all it reaches; the digest it points to, when it could be read. */
    Optional<Digest> tag(String tag) {
      Lookup answer =
          source.fetchManifest(repository, ManifestRef.tag(tag), limits.maxManifestBytes());
      if (answer instanceof Lookup.Absent) {
        return Optional.empty();
      }
      if (!(answer instanceof Lookup.Found found) || found.body().isEmpty()) {
        unreadable.add("tag " + tag + ": " + answer.status());
        return Optional.empty();
      }
      Digest digest = Digest.sha256Of(found.body().get());
      read(digest, found, referrerTagKind(tag), 0);
      return Optional.of(digest);
    }

    void read(Digest digest, Lookup answer, Optional<Kind> as, int depth) {
      if (items.containsKey(digest)) {
        return;
      }
      if (depth > limits.maxDepth()) {
        unreadable.add(digest + ": nested deeper than " + limits.maxDepth() + " levels");
        return;
      }
      if (answer instanceof Lookup.Absent) {
        return;
      }
      if (!(answer instanceof Lookup.Found found) || found.body().isEmpty()) {
        unreadable.add(digest + ": " + answer.status());
        return;
      }
      Manifest manifest;
      try {
        manifest = parser.parse(found.body().get(), found.mediaType());
      } catch (MalformedManifestException e) {
        unreadable.add(digest + ": " + e.getMessage());
        return;
      }
      References references = References.of(manifest);
      List<Digest> children = new ArrayList<>();
      List<Inventory.Blob> blobs = new ArrayList<>();
      for (References.Reference r : references.pulled()) {
        if (r.kind().isManifest()) {
          children.add(r.digest());
        } else {
          blobs.add(new Inventory.Blob(r.digest(), r.descriptor().size()));
        }
      }
      Kind kind = as.orElse(MediaTypes.isIndex(manifest.mediaType()) ? Kind.INDEX : Kind.MANIFEST);
      List<Digest> referrers = referrers(digest, depth);
      items.put(
          digest,
          new Inventory.Item(
              digest,
              kind,
              found.body().get().length,
              children,
              blobs,
              references.subject().map(References.Reference::digest),
              referrers));
      for (References.Reference r : references.pulled()) {
        if (r.kind().isManifest()) {
          read(r.digest(), fetch(r.digest()), Optional.of(r.kind()), depth + 1);
        }
      }
    }

    /** What the manifest under a referrer tag is: cosign's kind, or the fallback tag's index. */
    private static Optional<Kind> referrerTagKind(String tag) {
      if (CosignTags.subjectOf(tag).isPresent()) {
        String role =
            CosignTags.SCHEMES.stream()
                .filter(s -> tag.endsWith(s.suffix()))
                .map(CosignTags.Scheme::role)
                .findFirst()
                .orElse("");
        return Optional.of(ReferrerKinds.kind(role, ""));
      }
      return CosignTags.referrerTagSubject(tag).map(subject -> Kind.INDEX);
    }

    /** The manifests that refer to {@code subject}, each read in turn. */
    private List<Digest> referrers(Digest subject, int depth) {
      List<Digest> found = new ArrayList<>();
      switch (source.referrers(repository, subject)) {
        case ReferrerLookup.Found f -> {
          for (Referrer r : f.referrers()) {
            Digest d = r.descriptor().digest();
            Lookup answer = fetch(d);
            if (r.mustNameSubject() && !namesSubject(answer, subject)) {
              continue;
            }
            found.add(d);
            Kind kind =
                ReferrerKinds.kind(r.role().orElse(""), r.descriptor().artifactType().orElse(""));
            read(d, answer, Optional.of(kind), depth + 1);
          }
        }
        case ReferrerLookup.Unavailable u ->
            unreadable.add("referrers of " + subject + ": " + u.reason());
      }
      return found;
    }

    /** A fallback tag's entry counts only when its own manifest names the subject. */
    private boolean namesSubject(Lookup answer, Digest subject) {
      if (!(answer instanceof Lookup.Found f) || f.body().isEmpty()) {
        return true;
      }
      try {
        return parser
            .parse(f.body().get(), f.mediaType())
            .subject()
            .filter(s -> s.digest().equals(subject))
            .isPresent();
      } catch (MalformedManifestException e) {
        return false;
      }
    }

    void referredBy(Digest subject, Digest referrer) {
      items.computeIfPresent(
          subject,
          (d, item) -> {
            Set<Digest> all = new LinkedHashSet<>(item.referrers());
            all.add(referrer);
            return new Inventory.Item(
                d,
                item.kind(),
                item.size(),
                item.manifests(),
                item.blobs(),
                item.subject(),
                List.copyOf(all));
          });
    }

    Lookup fetch(Digest digest) {
      return source.fetchManifest(repository, ManifestRef.of(digest), limits.maxManifestBytes());
    }
  }
}
