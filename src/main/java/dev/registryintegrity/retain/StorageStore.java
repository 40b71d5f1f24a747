package dev.registryintegrity.retain;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.StorageSource;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

/**
 * A registry's storage (a directory or a bucket), changed as the registry itself changes it: a tag
 * deleted is its {@code _manifests/tags/<tag>} directory removed; a manifest deleted by digest is
 * its revision link removed (as v3 does; 2.x removes the directory, and both read either as not
 * served) with the tags on it. Safe only while the registry does not write (read-only mode, as its
 * collector needs, or stopped); restart it after, so its descriptor cache forgets what is gone.
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

  /**
   * Read afresh each time: retention lists a repository's tags to plan, again just before deleting
   * (a tag pushed or moved since must keep what it reaches), and again to check after.
   */
  @Override
  public List<String> tags(String repository) {
    layout.refresh(repository);
    return layout.tags(repository);
  }

  @Override
  public Optional<Digest> resolve(String repository, String tag) {
    String link = layout.tagLink(repository, tag);
    try {
      return layout.readLink(link).map(Digest::parse);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException
        | java.io.UncheckedIOException
        | dev.registryintegrity.model.InvalidValueException e) {
      // Unreadable is not gone: a tag taken for gone would let its manifest be deleted.
      throw new CannotCheckException(
          "cannot read " + layout.where(link) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Deletes deletes(String repository) {
    Optional<String> refused = layout.driver().whyNotRemovable(layout.repository(repository));
    if (refused.isPresent()) {
      throw new CannotCheckException(refused.get());
    }
    return new Deletes(true);
  }

  @Override
  public Outcome deleteTag(String repository, String tag) {
    String dir = layout.tagDirectory(repository, tag);
    if (!layout.hasTag(repository, tag)) {
      return new Outcome(Result.GONE, "already gone");
    }
    removeTree(dir);
    return new Outcome(Result.DONE, "removed " + layout.relative(dir));
  }

  @Override
  public Outcome deleteManifest(String repository, Digest digest) {
    for (String tag : layout.tags(repository)) {
      if (resolve(repository, tag).filter(digest::equals).isPresent()) {
        removeTree(layout.tagDirectory(repository, tag));
      }
    }
    String link = layout.revisionLink(repository, digest);
    try {
      return layout.driver().delete(link)
          ? new Outcome(Result.DONE, "removed " + layout.relative(link))
          : new Outcome(Result.GONE, "already gone");
    } catch (IOException e) {
      throw new CannotCheckException(
          "cannot remove " + layout.where(link) + ": " + e.getMessage(), e);
    }
  }

  private void removeTree(String dir) {
    try {
      layout.driver().deleteTree(dir);
    } catch (IOException e) {
      throw new CannotCheckException(
          "cannot remove " + layout.where(dir) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    layout.driver().close();
  }
}
