package dev.registryintegrity.storage;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.ManifestParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Manifests of a repository whose OCI {@code subject} is one of the given digests. */
public final class Referrers {
  private Referrers() {}

  public static List<Digest> in(StorageLayout layout, String repo, Set<Digest> subjects) {
    ManifestParser parser = new ManifestParser();
    List<Digest> found = new ArrayList<>();
    for (Digest revision : layout.revisions(repo)) {
      Path data = layout.blobData(revision);
      try {
        if (!Files.isRegularFile(data) || Files.size(data) > 4 * 1024 * 1024) {
          continue;
        }
        parser
            .parse(Files.readAllBytes(data), "")
            .subject()
            .filter(s -> subjects.contains(s.digest()))
            .ifPresent(s -> found.add(revision));
      } catch (IOException | MalformedManifestException e) {
        // not a manifest anyone could refer through
      }
    }
    return found;
  }
}
