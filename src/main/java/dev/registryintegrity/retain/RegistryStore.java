package dev.registryintegrity.retain;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.registry.DeleteResult;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.walk.Memo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry over its API. Whether it deletes is asked the only way that changes nothing: a DELETE
 * of a digest no manifest has answers 405 UNSUPPORTED where deletes are off and 404 where they are
 * on (distribution 2.8.2, 3.0.0, 3.1.1 alike); a DELETE of a tag no manifest has answers 400
 * DIGEST_INVALID where tags cannot be deleted alone (2.x). A tag delete is never relied on to tell:
 * 3.0.0 deletes tags even with deletes off.
 */
public final class RegistryStore implements Store {
  /** No manifest hashes to this: a DELETE of it can only be answered, never done. */
  static final Digest NO_SUCH_MANIFEST = new Digest("sha256", "0".repeat(64));

  static final String NO_SUCH_TAG = "registry-integrity-retain-asks-whether-tags-delete-alone";

  private final RegistryClient client;
  private final int pageSize;
  private final Memo<String, Boolean> tagsAlone = new Memo<>();

  /** Listings made to learn that named repositories exist: each serves the plan's first read. */
  private final Map<String, List<String>> listedAhead = new ConcurrentHashMap<>();

  public RegistryStore(RegistryClient client, int pageSize) {
    this.client = client;
    this.pageSize = pageSize;
  }

  @Override
  public ContentSource content() {
    return client;
  }

  /**
   * The named repositories the registry holds tags in: a name it does not know would plan nothing
   * and pass, where a typo should stop the run. Their listings are not asked for again by the plan.
   */
  public List<String> withTags(List<String> named) {
    List<String> existing = new ArrayList<>();
    for (String repository : named) {
      List<String> tags = client.listTags(repository, pageSize);
      if (!tags.isEmpty()) {
        listedAhead.put(repository, tags);
        existing.add(repository);
      }
    }
    return existing;
  }

  /** Every tag of the repository, listed now (but for the one listing {@link #withTags} made). */
  @Override
  public List<String> tags(String repository) {
    List<String> ahead = listedAhead.remove(repository);
    return ahead != null ? ahead : client.listTags(repository, pageSize);
  }

  @Override
  public Optional<Digest> resolve(String repository, String tag) {
    return client.resolveTag(repository, tag);
  }

  @Override
  public Deletes deletes(String repository) {
    String registry = client.registry();
    switch (client.deleteManifest(repository, ManifestRef.of(NO_SUCH_MANIFEST))) {
      case DeleteResult.NotFound n -> {}
      case DeleteResult.Deleted d -> {}
      case DeleteResult.DeletesOff off ->
          throw new CannotCheckException(
              "registry "
                  + registry
                  + " does not delete (a test DELETE in "
                  + repository
                  + " answered "
                  + off.status()
                  + "): turn deletes on in its configuration (distribution:"
                  + " storage.delete.enabled: true) and restart it");
      case DeleteResult.TagDeleteUnsupported t -> refused(registry, repository, t.status(), "");
      case DeleteResult.Refused r -> refused(registry, repository, r.status(), r.reason());
    }
    // One registry, one answer: distribution's version decides, not the repository.
    return new Deletes(
        tagsAlone.get(
            registry,
            () ->
                switch (client.deleteManifest(repository, ManifestRef.tag(NO_SUCH_TAG))) {
                  case DeleteResult.NotFound n -> true;
                  case DeleteResult.Deleted d -> true;
                  default -> false;
                }));
  }

  private static void refused(String registry, String repository, String status, String reason) {
    throw new CannotCheckException(
        "registry "
            + registry
            + " answered a test DELETE in "
            + repository
            + " with "
            + status
            + (reason.isEmpty() ? "" : " (" + reason + ")")
            + ": it may not delete there");
  }

  @Override
  public Outcome deleteTag(String repository, String tag) {
    return outcome(client.deleteManifest(repository, ManifestRef.tag(tag)));
  }

  @Override
  public Outcome deleteManifest(String repository, Digest digest) {
    return outcome(client.deleteManifest(repository, ManifestRef.of(digest)));
  }

  private static Outcome outcome(DeleteResult result) {
    return switch (result) {
      case DeleteResult.Deleted d -> new Outcome(Store.Result.DONE, "202");
      case DeleteResult.NotFound n -> new Outcome(Store.Result.GONE, n.status() + ": already gone");
      case DeleteResult.DeletesOff o -> new Outcome(Store.Result.REFUSED, o.status());
      case DeleteResult.TagDeleteUnsupported t -> new Outcome(Store.Result.REFUSED, t.status());
      case DeleteResult.Refused r ->
          new Outcome(
              Store.Result.REFUSED, r.status() + (r.reason().isEmpty() ? "" : " " + r.reason()));
    };
  }

  @Override
  public void close() {
    client.close();
  }
}
