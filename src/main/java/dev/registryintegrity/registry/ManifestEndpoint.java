package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Manifests: read by tag or digest (from the probe server's cache when it can answer, a HEAD
 * proving the registry still serves it), or asked about with a HEAD the GET may contradict.
 */
final class ManifestEndpoint {
  private final RegistryConnection connection;
  private volatile ManifestCache cache;

  ManifestEndpoint(RegistryConnection connection) {
    this.connection = connection;
  }

  Lookup fetchManifest(String repository, ManifestRef reference, int maxBytes) {
    ManifestCache c = cache;
    if (c != null) {
      Lookup cached = cachedOrNull(c, repository, reference);
      if (cached != null) {
        return cached;
      }
    }
    Lookup fetched = fetchManifestBody(repository, reference, maxBytes);
    if (c != null && fetched instanceof Lookup.Found f && f.body().isPresent()) {
      Digest digest = f.reportedDigest().orElseGet(() -> Digest.sha256Of(f.body().get()));
      c.put(digest, f.body().get(), f.mediaType());
    }
    return fetched;
  }

  /**
   * A HEAD answers whether the repository serves the manifest (and, for a tag, which digest); the
   * body then comes from the cache. Null when the cache cannot answer.
   */
  private Lookup cachedOrNull(ManifestCache c, String repository, ManifestRef reference) {
    Optional<Digest> named = reference.asDigest();
    if (named.isPresent() ? c.get(named.get()).isEmpty() : c.size() == 0) {
      return null;
    }
    try {
      HttpResponse r = connection.sendManifest("HEAD", repository, reference.toString(), 0);
      if (r.status() != 200) {
        return null;
      }
      Optional<Digest> digest = named.or(() -> connection.reportedDigest(r));
      return digest
          .flatMap(c::get)
          .map(
              e ->
                  (Lookup) Lookup.Found.withBody("200", e.mediaType(), digest, e.body(), List.of()))
          .orElse(null);
    } catch (CannotCheckException e) {
      return null;
    }
  }

  Lookup fetchManifestBody(String repository, ManifestRef reference, int maxBytes) {
    return connection.ask(
        () -> {
          HttpResponse r =
              connection.sendManifest("GET", repository, reference.toString(), maxBytes);
          if (r.status() == 200) {
            if (r.truncated()) {
              return new Lookup.TooLarge("200", maxBytes);
            }
            if (r.bodyError().isPresent()) {
              return new Lookup.Unserved(
                  "200", "the registry answered 200 but " + r.bodyError().get());
            }
            return Lookup.Found.withBody(
                "200",
                r.header("content-type").orElse(""),
                connection.reportedDigest(r),
                r.body(),
                r.notes());
          }
          return connection.notFound(r, r);
        });
  }

  Lookup checkManifest(String repository, Digest digest) {
    return connection.ask(
        () -> {
          HttpResponse r = connection.sendManifest("HEAD", repository, digest.toString(), 0);
          if (r.status() == 200) {
            return connection.found(
                r, r.contentLength(), Optional.empty(), List.of(), Proof.LISTED);
          }
          HttpResponse get =
              connection.errorBody(
                  "manifests/" + digest, repository, Map.of("Accept", RegistryConnection.ACCEPT));
          if (get.status() == 200) {
            return connection.disagreeingHead(r, get, Proof.SERVED);
          }
          return connection.notFound(r, get);
        });
  }

  /**
   * The digest {@code tag} points to now: a HEAD's Docker-Content-Digest, else the hash of a GET's
   * body; empty when the registry does not know the tag. Throws when it could not be asked.
   */
  Optional<Digest> resolve(String repository, String tag) {
    HttpResponse head = connection.sendManifest("HEAD", repository, tag, 0);
    if (head.status() == 404) {
      return Optional.empty();
    }
    Optional<Digest> reported =
        head.status() == 200 ? RegistryConnection.reportedDigest(head) : Optional.empty();
    if (reported.isPresent()) {
      return reported;
    }
    // Distribution refuses manifests over 4 MiB on push: a larger answer names no manifest.
    return switch (fetchManifestBody(repository, ManifestRef.tag(tag), 4 << 20)) {
      case Lookup.Found f when f.body().isPresent() -> Optional.of(Digest.sha256Of(f.body().get()));
      case Lookup.Absent a -> Optional.empty();
      case Lookup.Unavailable u -> throw new CannotCheckException(u.reason());
      default ->
          throw new CannotCheckException(
              "registry "
                  + connection.registry()
                  + " did not serve tag "
                  + tag
                  + " of "
                  + repository);
    };
  }

  /** Keep manifest bodies in {@code shared} and use them instead of GETs (probe server mode). */
  void useCache(ManifestCache shared) {
    this.cache = shared;
  }
}
