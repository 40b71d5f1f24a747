package dev.registryintegrity.retain;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.source.ContentSource;
import java.util.List;
import java.util.Optional;

/**
 * Where retention reads and deletes: a registry over its API, or its storage directory. Reads go
 * through {@link #content()}, the walk's own view; the rest is what only retention asks.
 */
public interface Store extends AutoCloseable {
  /** Manifests, blobs and referrers, as the walk reads them. */
  ContentSource content();

  /**
   * The same content read afresh, for what is asked after deleting: nothing the plan's reading
   * learnt is taken for true.
   */
  default ContentSource fresh() {
    return content();
  }

  /** Every tag of a repository. */
  List<String> tags(String repository);

  /** The digest a tag points to now; empty when it is gone. */
  Optional<Digest> resolve(String repository, String tag);

  /**
   * What deleting will be like in {@code repository}, asked before anything is deleted anywhere.
   *
   * @throws dev.registryintegrity.CannotCheckException when nothing can be deleted there: the
   *     message names the registry's setting or the credential's missing scope
   */
  Deletes deletes(String repository);

  /** Removes a tag, its manifest staying (asked only where {@link Deletes#tagsAlone()}). */
  Outcome deleteTag(String repository, String tag);

  /** Removes a manifest from the repository by digest; the tags on it go with it. */
  Outcome deleteManifest(String repository, Digest digest);

  /**
   * How a place that deletes at all deletes.
   *
   * @param tagsAlone whether a tag can be deleted without its manifest (distribution v3 can, 2.x
   *     cannot)
   */
  record Deletes(boolean tagsAlone) {}

  /** What one deletion did, and the registry's answer or the path removed. */
  record Outcome(Result result, String status) {
    public boolean done() {
      return result == Result.DONE;
    }
  }

  /** Deleted; gone before it was asked; or not deleted, which stops the repository's deletions. */
  enum Result {
    DONE,
    GONE,
    REFUSED
  }

  @Override
  void close();
}
