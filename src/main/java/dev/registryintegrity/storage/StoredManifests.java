package dev.registryintegrity.storage;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Manifests read from a storage directory by digest, each parsed once: what gc-check, fsck and refs
 * look inside. Safe for concurrent use (a walk asks from many threads).
 */
public final class StoredManifests {
  /** Distribution refuses a manifest over 4 MiB on push; a larger file is no manifest of its. */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private final StorageLayout layout;
  private final ManifestParser parser = new ManifestParser();
  private final Map<Digest, Optional<Manifest>> parsed = new ConcurrentHashMap<>();

  public StoredManifests(StorageLayout layout) {
    this.layout = layout;
  }

  /**
   * The manifest stored under {@code digest}; empty when its data is gone, too large or no
   * manifest.
   */
  public Optional<Manifest> get(Digest digest) {
    return parsed.computeIfAbsent(digest, this::read);
  }

  /**
   * Each subject among a repository's manifests, with the manifests that name it (its referrers).
   */
  public Map<Digest, Set<Digest>> referrersIn(String repository) {
    Map<Digest, Set<Digest>> referrers = new HashMap<>();
    for (Digest d : layout.revisions(repository)) {
      get(d)
          .flatMap(Manifest::subject)
          .ifPresent(s -> referrers.computeIfAbsent(s.digest(), k -> new TreeSet<>()).add(d));
    }
    return referrers;
  }

  /** A repository's manifests whose subject is one of {@code subjects}, in storage order. */
  public List<Digest> referring(String repository, Set<Digest> subjects) {
    return layout.revisions(repository).stream()
        .filter(
            d ->
                get(d)
                    .flatMap(Manifest::subject)
                    .filter(s -> subjects.contains(s.digest()))
                    .isPresent())
        .toList();
  }

  private Optional<Manifest> read(Digest digest) {
    try (InputStream in = layout.driver().open(layout.blobData(digest))) {
      byte[] body = in.readNBytes(MAX_BYTES + 1);
      return body.length > MAX_BYTES ? Optional.empty() : Optional.of(parser.parse(body, ""));
    } catch (IOException | MalformedManifestException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }
}
