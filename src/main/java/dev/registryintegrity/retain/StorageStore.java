package dev.registryintegrity.retain;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.StorageSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A registry's filesystem storage, changed as the registry itself changes it: a tag deleted is its
 * {@code _manifests/tags/<tag>} directory removed; a manifest deleted by digest is its revision
 * link removed (as v3 does; 2.x removes the directory, and both read either as not served) with the
 * tags on it. Safe only while the registry does not write (read-only mode, as its collector needs,
 * or stopped); restart it after, so its descriptor cache forgets what is gone.
 */
public final class StorageStore implements Store {
  private final StorageLayout layout;
  private final StorageSource source;

  public StorageStore(StorageLayout layout) {
    this.layout = layout;
    this.source = new StorageSource(layout, false);
  }

  StorageLayout layout() {
    return layout;
  }

  @Override
  public ContentSource content() {
    return source;
  }

  /** A new source: the plan's caches the referrer lists and blob hashes it read. */
  @Override
  public ContentSource fresh() {
    return new StorageSource(layout, false);
  }

  @Override
  public List<String> tags(String repository) {
    return layout.tags(repository);
  }

  @Override
  public Optional<Digest> resolve(String repository, String tag) {
    Path link = layout.tagLink(repository, tag);
    try {
      return StorageLayout.readLink(link).map(Digest::parse);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      // Unreadable is not gone: a tag taken for gone would let its manifest be deleted.
      throw new CannotCheckException("cannot read " + link + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Deletes deletes(String repository) {
    Path dir = layout.repository(repository);
    if (!Files.isWritable(dir)) {
      throw new CannotCheckException(
          "cannot write " + dir + ": run retain as the user that owns the registry's storage");
    }
    return new Deletes(true);
  }

  @Override
  public Outcome deleteTag(String repository, String tag) {
    Path dir = layout.tagDirectory(repository, tag);
    if (!Files.isDirectory(dir)) {
      return new Outcome(Result.GONE, "already gone");
    }
    removeTree(dir);
    return new Outcome(Result.DONE, "removed " + layout.v2().relativize(dir));
  }

  @Override
  public Outcome deleteManifest(String repository, Digest digest) {
    for (String tag : layout.tags(repository)) {
      if (resolve(repository, tag).filter(digest::equals).isPresent()) {
        removeTree(layout.tagDirectory(repository, tag));
      }
    }
    Path link = layout.revisionLink(repository, digest);
    try {
      return Files.deleteIfExists(link)
          ? new Outcome(Result.DONE, "removed " + layout.v2().relativize(link))
          : new Outcome(Result.GONE, "already gone");
    } catch (IOException e) {
      throw new CannotCheckException("cannot remove " + link + ": " + e.getMessage(), e);
    }
  }

  private static void removeTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new CannotCheckException("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {}
}
