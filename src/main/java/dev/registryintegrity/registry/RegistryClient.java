package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.registry.transport.AccessRefusedException;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.ReferrerLookup;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A registry over the distribution HTTP API (v2), seen as a {@link ContentSource}: a facade over
 * one class per kind of endpoint (manifests, blobs, paged listings, referrers) sharing one {@link
 * RegistryConnection}. The HTTP itself, auth and retries live in {@link RegistryTransport}.
 *
 * <p>Blob existence is per repository (distribution links blobs into each repository), so every
 * check is made in the repository of the manifest that references the blob.
 */
public final class RegistryClient implements ContentSource {
  private final RegistryConnection connection;
  private final ManifestEndpoint manifests;
  private final BlobEndpoint blobs;
  private final Listings listings;
  private final ReferrerEndpoint referrers;
  private final PushEndpoint pushes;

  /**
   * @param registry the registry as users name it ("docker.io", "127.0.0.1:5000"), for messages and
   *     credential look-ups
   * @param base where its API answers ("https://registry-1.docker.io")
   */
  public RegistryClient(String registry, URI base, RegistryTransport transport) {
    this(registry, base, null, transport);
  }

  /**
   * @param otherScheme where to go when the first answer shows {@code base} has the wrong scheme
   *     (loopback registries may speak either: docker treats 127.0.0.0/8 as insecure). Asking plain
   *     HTTP first is safe there: a TLS server refuses it at once, while a plain server may sit
   *     silent on a TLS hello until the read timeout; so HTTPS is asked first only when a CA
   *     certificate says TLS is expected.
   */
  public RegistryClient(String registry, URI base, URI otherScheme, RegistryTransport transport) {
    this.connection = new RegistryConnection(registry, base, otherScheme, transport);
    this.manifests = new ManifestEndpoint(connection);
    this.blobs = new BlobEndpoint(connection);
    this.listings = new Listings(connection);
    this.referrers = new ReferrerEndpoint(connection, listings, manifests);
    this.pushes = new PushEndpoint(connection);
  }

  /**
   * The one way a registry client is opened (verify, probe, watch): HTTPS, plain HTTP when asked,
   * and for loopback registries whichever they speak (docker treats 127.0.0.0/8 as insecure): the
   * first answer tells which (plain HTTP is asked first, HTTPS when a CA is given), and TLS, once
   * chosen, is verified like anywhere else.
   */
  public static RegistryClient open(
      RegistryName registry, RegistryTransport transport, boolean plainHttp) {
    URI http = URI.create("http://" + registry.apiHost());
    URI https = URI.create("https://" + registry.apiHost());
    if (plainHttp) {
      return new RegistryClient(registry.name(), http, transport);
    }
    if (registry.isLoopback() && !transport.trustsExtraCas()) {
      return new RegistryClient(registry.name(), http, https, transport);
    }
    // TLS expected: anywhere but loopback, and on loopback when a CA is given for it.
    transport.prepareTls(https);
    return registry.isLoopback()
        ? new RegistryClient(registry.name(), https, http, transport)
        : new RegistryClient(registry.name(), https, transport);
  }

  @Override
  public Origin origin() {
    return new Origin(Origin.Medium.REGISTRY, connection.describe());
  }

  @Override
  public long requestCount() {
    return connection.requestCount();
  }

  /**
   * Content checks read at most {@code maxBytes} of a blob (a server may stream without end) and
   * tell {@code progress} of every chunk.
   */
  public RegistryClient withContentReads(long maxBytes, java.util.function.LongConsumer progress) {
    blobs.contentReads(maxBytes, progress);
    return this;
  }

  /** Keep manifest bodies in {@code shared} and use them instead of GETs (probe server mode). */
  public RegistryClient withManifestCache(ManifestCache shared) {
    manifests.useCache(shared);
    return this;
  }

  @Override
  public Lookup fetchManifest(String repository, ManifestRef reference, int maxBytes) {
    return manifests.fetchManifest(repository, reference, maxBytes);
  }

  @Override
  public Lookup checkManifest(String repository, Digest digest) {
    return manifests.checkManifest(repository, digest);
  }

  @Override
  public Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    return blobs.checkBlob(repository, digest, check);
  }

  @Override
  public Lookup checkExternal(Descriptor descriptor) {
    return blobs.checkExternal(descriptor);
  }

  @Override
  public Optional<byte[]> readBlob(String repository, Digest digest, int maxBytes) {
    return blobs.fetchBlob(repository, digest, maxBytes);
  }

  /**
   * A blob copied to {@code file} while hashed, never held in memory: a {@link
   * dev.registryintegrity.source.Proof#HASHED} answer whose digest matches left a good copy.
   */
  public Lookup downloadBlob(
      String repository,
      Digest digest,
      java.nio.file.Path file,
      long maxBytes,
      java.util.function.LongConsumer progress) {
    return blobs.download(repository, digest, file, maxBytes, progress);
  }

  /** Puts a manifest under its digest (never a tag); the registry checks what it references. */
  public PushResult pushManifest(String repository, Digest digest, String mediaType, byte[] body) {
    return pushes.putManifest(repository, digest.toString(), digest, mediaType, body);
  }

  /**
   * Puts a manifest under a tag: only for a referrers fallback tag, whose index a writer without
   * the referrers API must keep up to date itself.
   */
  public PushResult tagManifest(
      String repository, String tag, Digest digest, String mediaType, byte[] body) {
    return pushes.putManifest(repository, tag, digest, mediaType, body);
  }

  /** A cross-repository mount of blob {@code digest} from {@code from} into {@code repository}. */
  public PushResult mountBlob(String repository, Digest digest, String from) {
    return pushes.mount(repository, digest, from);
  }

  /** Uploads a blob, committed only when the bytes sent hash to {@code digest}. */
  public PushResult uploadBlob(
      String repository,
      Digest digest,
      long size,
      dev.registryintegrity.registry.transport.HttpRequest.Opener bytes) {
    return pushes.upload(repository, digest, size, bytes);
  }

  /** The registry as users name it ("127.0.0.1:5000"). */
  /**
   * Deletes a manifest by digest (its tags with it) or a tag alone; what the registry answered, as
   * data. Throws only when the request could not be made, or the credential was refused.
   */
  public DeleteResult deleteManifest(String repository, ManifestRef reference) {
    // Made when asked: only retention deletes, and a verify's cold start loads none of it.
    return new DeleteEndpoint(connection).deleteManifest(repository, reference);
  }

  @Override
  public void forget(String repository) {
    referrers.forget(repository);
  }

  /** The digest {@code tag} points to now; empty when the registry does not know it. */
  public Optional<Digest> resolveTag(String repository, String tag) {
    return manifests.resolve(repository, tag);
  }

  public String registry() {
    return connection.registry();
  }

  @Override
  public ReferrerLookup referrers(String repository, Digest subject) {
    return referrers.referrers(repository, subject);
  }

  /** Every repository in the catalog, following {@code Link: <...>; rel="next"} pages. */
  public List<String> listRepositories(int pageSize) {
    Listings.Listing listing;
    try {
      listing = listings.list("/v2/_catalog", pageSize, "", "repositories");
    } catch (AccessRefusedException e) {
      // Token registries give a token without the catalog scope to all but admins: 401 again.
      listing = new Listings.Listing(List.of(), Optional.of(String.valueOf(e.status())));
    }
    if (listing.refused().isPresent()) {
      throw new CatalogUnavailableException(
          "catalog not readable: registry "
              + connection.registry()
              + " does not offer /v2/_catalog to this credential ("
              + listing.refused().get()
              + "): give the repositories to probe with --repos-file");
    }
    return listing.entries();
  }

  /**
   * Every tag of a repository, following pagination like the catalog. A repository that holds only
   * manifests pushed by digest, or whose tags were all deleted, has none: distribution answers 404
   * NAME_UNKNOWN for the first (while its catalog still lists it) and {@code "tags": null} for the
   * second.
   */
  public List<String> listTags(String repository, int pageSize) {
    List<String> tags = listings.tags(repository, pageSize);
    // The referrer lookup needs the same list: one listing serves both.
    referrers.listed(repository, tags);
    return tags;
  }

  /** The catalog is not there for this credential: a setting to change, not a fault to retry. */
  public static final class CatalogUnavailableException extends CannotCheckException {
    private static final long serialVersionUID = 1L;

    CatalogUnavailableException(String message) {
      super(message);
    }
  }

  /** RFC 8288: {@code </v2/_catalog?last=b&n=2>; rel="next"}. */
  public static String nextLink(String header) {
    return Listings.nextLink(header);
  }

  @Override
  public List<String> notes() {
    return connection.notes();
  }

  @Override
  public void close() {
    connection.close();
  }
}
