package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.registry.transport.AccessRefusedException;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.registry.transport.RegistryError;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A registry over the distribution HTTP API (v2), seen as a {@link ContentSource}. One method per
 * endpoint; the HTTP itself, auth and retries live in {@link RegistryTransport}.
 *
 * <p>Blob existence is per repository (distribution links blobs into each repository), so every
 * check is made in the repository of the manifest that references the blob.
 */
public final class RegistryClient implements ContentSource {
  private static final String ACCEPT = String.join(", ", MediaTypes.MANIFEST_ACCEPT);

  /** A catalog of 10,000 pages at the registry's page size is past any real registry. */
  private static final int MAX_PAGES = 10_000;

  private static final int MAX_REFERRER_INDEX = 4 * 1024 * 1024;

  /**
   * Registries refuse page sizes above their own maximum (ECR: 1000) with 400; these are tried in
   * turn.
   */
  private static final int[] SMALLER_PAGES = {1000, 100};

  private final String registry;
  private volatile URI base;
  private volatile URI otherScheme;
  private final RegistryTransport transport;
  private volatile ManifestCache cache;

  /** Per repository: whether the registry has the referrers API (unknown until asked). */
  private final Map<String, java.util.concurrent.CompletableFuture<Boolean>> referrersApi =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, java.util.concurrent.CompletableFuture<Set<String>>> referrerTags =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile long contentLimit = BlobCheck.DEFAULT_MAX_CONTENT_BYTES;
  private volatile java.util.function.LongConsumer bytesRead = n -> {};
  private final java.util.concurrent.atomic.AtomicReference<String> rateLimit =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Which scheme a loopback registry turned out to speak, said once in the report. */
  private final java.util.concurrent.atomic.AtomicReference<String> schemeNote =
      new java.util.concurrent.atomic.AtomicReference<>();

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
   *     silent on a TLS hello until the read timeout.
   */
  public RegistryClient(String registry, URI base, URI otherScheme, RegistryTransport transport) {
    this.registry = registry;
    this.base = base;
    this.otherScheme = otherScheme;
    this.transport = transport;
  }

  /**
   * The one way a registry client is opened (verify, probe, watch): HTTPS, plain HTTP when asked,
   * and for loopback registries whichever they speak (docker treats 127.0.0.0/8 as insecure): the
   * first answer tells which, and TLS, once chosen, is verified like anywhere else.
   */
  public static RegistryClient open(
      dev.registryintegrity.reference.ImageReference ref,
      RegistryTransport transport,
      boolean plainHttp) {
    URI http = URI.create("http://" + ref.apiHost());
    URI https = URI.create("https://" + ref.apiHost());
    return plainHttp
        ? new RegistryClient(ref.registry(), http, transport)
        : ref.isLoopback()
            ? new RegistryClient(ref.registry(), http, https, transport)
            : new RegistryClient(ref.registry(), https, transport);
  }

  @Override
  public String describe() {
    return "registry " + registry + " (" + base + ")";
  }

  @Override
  public long requestCount() {
    return transport.requestCount();
  }

  /**
   * Content checks read at most {@code maxBytes} of a blob (a server may stream without end) and
   * tell {@code progress} of every chunk.
   */
  public RegistryClient withContentReads(long maxBytes, java.util.function.LongConsumer progress) {
    this.contentLimit = maxBytes;
    this.bytesRead = progress;
    return this;
  }

  /** Keep manifest bodies in {@code shared} and use them instead of GETs (probe server mode). */
  public RegistryClient withManifestCache(ManifestCache shared) {
    this.cache = shared;
    return this;
  }

  @Override
  public Lookup fetchManifest(String repository, String reference, int maxBytes) {
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
  private Lookup cachedOrNull(ManifestCache c, String repository, String reference) {
    boolean byDigest = reference.contains(":");
    if (byDigest ? c.get(Digest.parse(reference)).isEmpty() : c.size() == 0) {
      return null;
    }
    try {
      HttpResponse r =
          send("HEAD", repository, "manifests/" + reference, Map.of("Accept", ACCEPT), 0);
      if (r.status() != 200) {
        return null;
      }
      Optional<Digest> digest = byDigest ? Optional.of(Digest.parse(reference)) : reportedDigest(r);
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

  private Lookup fetchManifestBody(String repository, String reference, int maxBytes) {
    return ask(
        () -> {
          HttpResponse r =
              send("GET", repository, "manifests/" + reference, Map.of("Accept", ACCEPT), maxBytes);
          if (r.status() == 200) {
            if (r.truncated()) {
              return new Lookup.TooLarge("200", maxBytes);
            }
            if (r.bodyError().isPresent()) {
              return new Lookup.Unserved(
                  "200", "the registry answered 200 but " + r.bodyError().get());
            }
            return Lookup.Found.withBody(
                "200", r.header("content-type").orElse(""), reportedDigest(r), r.body(), r.notes());
          }
          return notFound(r, r);
        });
  }

  @Override
  public Lookup checkManifest(String repository, Digest digest) {
    return ask(
        () -> {
          HttpResponse r =
              send("HEAD", repository, "manifests/" + digest, Map.of("Accept", ACCEPT), 0);
          if (r.status() == 200) {
            return found(r, r.contentLength(), Optional.empty(), List.of(), Proof.LISTED);
          }
          HttpResponse get = errorBody("manifests/" + digest, repository, Map.of("Accept", ACCEPT));
          if (get.status() == 200) {
            return disagreeingHead(r, get, Proof.SERVED);
          }
          return notFound(r, get);
        });
  }

  /**
   * A HEAD said no and the GET that was to fetch the error said yes: some registries and proxies
   * answer HEAD wrongly, and a client pulls with GET, so the GET decides.
   */
  private Lookup disagreeingHead(HttpResponse head, HttpResponse get, Proof proof) {
    OptionalLong size = get.status() == 206 ? rangeTotal(get) : get.contentLength();
    return found(
        get,
        size,
        Optional.empty(),
        List.of("HEAD answered " + head.status() + ", GET " + get.status() + ": the GET decides"),
        proof);
  }

  @Override
  public Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    return ask(
        () ->
            switch (check) {
              case HEAD -> headBlob(repository, digest);
              case READ -> readFirstByte(repository, digest, List.of());
              case CONTENT -> readContent(repository, digest);
            });
  }

  private Lookup headBlob(String repository, Digest digest) {
    String path = "blobs/" + digest;
    HttpResponse r = send("HEAD", repository, path, Map.of(), 0);
    if (r.status() == 200) {
      return found(r, r.contentLength(), Optional.empty(), List.of(), Proof.LISTED);
    }
    if (headRefused(r)) {
      // Some storage back ends behind a redirect (S3 presigned GET URLs) and some registries
      // refuse HEAD; a one-byte ranged GET proves the blob is served without downloading it.
      return readFirstByte(
          repository,
          digest,
          List.of("HEAD answered " + r.status() + "; checked with a ranged GET"));
    }
    HttpResponse get = errorBody(path, repository, Map.of("Range", "bytes=0-0"));
    if ((get.status() == 206 || get.status() == 200) && get.bodyLength() > 0) {
      return disagreeingHead(r, get, Proof.SERVED);
    }
    return notFound(r, get);
  }

  @Override
  public Lookup checkExternal(Descriptor descriptor) {
    Optional<URI> url =
        descriptor.urls().stream()
            .map(RegistryClient::httpUrl)
            .flatMap(Optional::stream)
            .findFirst();
    if (url.isEmpty()) {
      return descriptor.urls().isEmpty()
          ? new Lookup.Absent(
              "-",
              "NO_URL",
              "not in the registry, and its descriptor names no URL to fetch it from")
          : new Lookup.Absent(
              "-", "NO_URL", "not in the registry, and its descriptor names no http(s) URL");
    }
    String host = url.get().getAuthority();
    try {
      HttpResponse r =
          transport.sendAnonymous(
              host, new HttpRequest("GET", url.get(), Map.of("Range", "bytes=0-0"), "", 1));
      String status = String.valueOf(r.status());
      if ((r.status() == 206 || r.status() == 200) && r.bodyLength() > 0) {
        return new Lookup.Found(
            status,
            r.header("content-type").orElse(""),
            OptionalLong.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Proof.SERVED);
      }
      if (r.status() == 206 || r.status() == 200) {
        return new Lookup.Unserved(
            status, host + " answered " + status + " but " + r.bodyError().orElse("sent no byte"));
      }
      if (r.status() == 404 || r.status() == 410 || r.status() == 403) {
        return new Lookup.Absent(
            status, "EXTERNAL_UNSERVED", host + " does not serve it (" + status + ")");
      }
      return new Lookup.Unavailable(
          status, host + " answered " + status + " for the external layer");
    } catch (CannotCheckException e) {
      return new Lookup.Unavailable("-", e.getMessage());
    }
  }

  private static Optional<URI> httpUrl(String text) {
    try {
      URI uri = new URI(text.trim());
      String scheme =
          uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          ? Optional.of(uri)
          : Optional.empty();
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * A ranged GET for the first byte, which the registry must deliver: a descriptor cache answers
   * HEAD (and the headers of a GET) for a blob whose data is gone, but cannot make up its bytes.
   * One request, one byte, wherever the blob is served from (redirects are followed).
   */
  private Lookup readFirstByte(String repository, Digest digest, List<String> notes) {
    String path = "blobs/" + digest;
    HttpResponse r = send("GET", repository, path, Map.of("Range", "bytes=0-0"), 1);
    List<String> more = new java.util.ArrayList<>(notes);
    if (r.status() == 416) {
      OptionalLong total = rangeTotal(r);
      if (total.isPresent() && total.getAsLong() == 0) {
        // An empty blob has no byte 0 to serve; Range is unsatisfiable and that is the answer.
        return found(r, total, Optional.empty(), more, Proof.SERVED);
      }
      more.add("Range refused (416); first byte read from a plain GET");
      r = send("GET", repository, path, Map.of(), 1);
    }
    if (r.status() == 206 || r.status() == 200) {
      OptionalLong size = r.status() == 206 ? rangeTotal(r) : r.contentLength();
      if (r.status() == 200 && r.truncated()) {
        more.add("Range ignored (200): first byte read, connection dropped");
      }
      boolean empty = size.isPresent() && size.getAsLong() == 0;
      if (r.bodyError().isPresent() || (r.bodyLength() == 0 && !empty)) {
        return new Lookup.Unserved(
            String.valueOf(r.status()),
            "the registry answered "
                + r.status()
                + (size.isPresent() ? " for a " + size.getAsLong() + "-byte blob" : "")
                + " but "
                + r.bodyError().orElse("sent no byte of it"));
      }
      return found(r, size, Optional.empty(), more, Proof.SERVED);
    }
    return notFound(r, r);
  }

  /** Every byte, streamed through a hasher once (never held in memory). */
  private Lookup readContent(String repository, Digest digest) {
    HttpResponse r =
        send(
            new HttpRequest(
                "GET",
                uri(repository, "blobs/" + digest),
                Map.of(),
                repository,
                0,
                Optional.of(new HttpRequest.Hashing(digest, contentLimit, bytesRead))));
    if (r.status() != 200) {
      return notFound(r, r);
    }
    OptionalLong announced = r.contentLength();
    if (r.bodyError().isPresent()) {
      return new Lookup.Unserved(
          "200",
          "the registry answered 200"
              + (announced.isPresent() ? " for " + announced.getAsLong() + " bytes" : "")
              + " but "
              + r.bodyError().get());
    }
    if (r.truncated()) {
      return found(
          r,
          OptionalLong.of(r.bodyLength()),
          Optional.empty(),
          List.of("sent more than " + contentLimit + " bytes: stopped reading, not hashed"),
          Proof.SERVED);
    }
    return found(r, OptionalLong.of(r.bodyLength()), r.bodyDigest(), List.of(), Proof.HASHED);
  }

  /** Every repository in the catalog, following {@code Link: <...>; rel="next"} pages. */
  public List<String> listRepositories(int pageSize) {
    Listing listing;
    try {
      listing = list("/v2/_catalog", pageSize, "", "repositories");
    } catch (AccessRefusedException e) {
      // Token registries give a token without the catalog scope to all but admins: 401 again.
      listing = new Listing(List.of(), Optional.of(String.valueOf(e.status())));
    }
    if (listing.refused().isPresent()) {
      throw new CatalogUnavailableException(
          "catalog not readable: registry "
              + registry
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
    Listing listing = list("/v2/" + repository + "/tags/list", pageSize, repository, "tags");
    if (listing.refused().isPresent()) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " answered "
              + listing.refused().get()
              + " to /v2/"
              + repository
              + "/tags/list");
    }
    return listing.entries();
  }

  /** The catalog is not there for this credential: a setting to change, not a fault to retry. */
  public static final class CatalogUnavailableException extends CannotCheckException {
    private static final long serialVersionUID = 1L;

    CatalogUnavailableException(String message) {
      super(message);
    }
  }

  /**
   * The referrers of {@code subject}, found the ways clients record them: the OCI 1.1 referrers API
   * ({@code GET /v2/<name>/referrers/<digest>}, pages followed); where the registry has none
   * (distribution 2.8 answers 404), the spec's fallback tag {@code sha256-<hex>} holding an index
   * of them; and cosign's tags ({@link CosignTags}). Which tags exist is learnt from one tag
   * listing per repository, so a manifest with no referrers costs one request (the API) or none (no
   * API, no tag).
   */
  @Override
  public ReferrerLookup referrers(String repository, Digest subject) {
    try {
      Map<Digest, Referrer> found = new java.util.LinkedHashMap<>();
      List<String> notes = new java.util.ArrayList<>();
      Set<String> tags = referrerTags(repository);
      String fallback = CosignTags.fallbackTag(subject);
      boolean api = hasReferrersApi(repository, subject, found, notes);
      if (!api && tags.contains(fallback)) {
        fallbackReferrers(repository, subject, fallback, found, notes);
      }
      for (CosignTags.Scheme scheme : CosignTags.SCHEMES) {
        String tag = CosignTags.tagFor(subject, scheme);
        if (tags.contains(tag)) {
          cosignReferrer(repository, tag, scheme.role())
              .ifPresentOrElse(
                  d ->
                      found.putIfAbsent(
                          d.digest(),
                          new Referrer(d, "cosign tag " + tag, Optional.of(scheme.role()))),
                  () -> notes.add("cosign tag " + tag + " is listed but not served"));
        }
      }
      return new ReferrerLookup.Found(List.copyOf(found.values()), notes);
    } catch (CannotCheckException e) {
      return new ReferrerLookup.Unavailable(
          "-", "referrers of " + subject + " could not be listed: " + e.getMessage());
    }
  }

  /**
   * The fallback tag's index, when it is one: some registries resolve {@code sha256-<hex>} to the
   * subject itself (GitLab), and any repository may tag an ordinary index so. Its entries are
   * counted only where their own manifests name the subject (the walker checks, as it reads them).
   */
  private void fallbackReferrers(
      String repository,
      Digest subject,
      String tag,
      Map<Digest, Referrer> found,
      List<String> notes) {
    Lookup index = fetchManifestBody(repository, tag, MAX_REFERRER_INDEX);
    if (!(index instanceof Lookup.Found f) || f.body().isEmpty()) {
      notes.add(
          "the referrers fallback tag "
              + tag
              + " is listed but its index is not served ("
              + index.status()
              + ")");
      return;
    }
    byte[] body = f.body().get();
    if (subject.recompute(body).equals(subject)) {
      notes.add(
          "the referrers fallback tag "
              + tag
              + " resolves to the image itself, not to a referrers index: ignored");
      return;
    }
    Optional<List<Descriptor>> entries = indexEntries(body);
    if (entries.isEmpty()) {
      notes.add("the referrers fallback tag " + tag + " is not an image index: ignored");
      return;
    }
    for (Descriptor d : entries.get()) {
      found.putIfAbsent(d.digest(), new Referrer(d, "fallback tag " + tag, Optional.empty(), true));
    }
  }

  /**
   * A cosign tag's manifest as a descriptor; its HEAD suffices, a GET decides where HEAD is vague.
   */
  private Optional<Descriptor> cosignReferrer(String repository, String tag, String role) {
    HttpResponse r = send("HEAD", repository, "manifests/" + tag, Map.of("Accept", ACCEPT), 0);
    Optional<Digest> digest = reportedDigest(r);
    if (r.status() == 200 && digest.isPresent() && r.contentLength().isPresent()) {
      return Optional.of(
          Descriptor.of(
              r.header("content-type").orElse(""), digest.get(), r.contentLength().getAsLong()));
    }
    // No Docker-Content-Digest or length on the HEAD (some registries and proxies), or a HEAD
    // that says no: the body's own hash names the manifest.
    if (fetchManifestBody(repository, tag, MAX_REFERRER_INDEX) instanceof Lookup.Found f
        && f.body().isPresent()) {
      byte[] body = f.body().get();
      return Optional.of(Descriptor.of(f.mediaType(), Digest.sha256Of(body), body.length));
    }
    return Optional.empty();
  }

  /**
   * Whether the repository has the referrers API. The first manifest to ask finds out for all (the
   * others of a concurrent walk wait for that answer rather than each probing with a 404), then
   * each asks for its own referrers only where the API exists.
   */
  private boolean hasReferrersApi(
      String repository, Digest subject, Map<Digest, Referrer> found, List<String> notes) {
    java.util.concurrent.CompletableFuture<Boolean> mine =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Boolean> theirs =
        referrersApi.putIfAbsent(repository, mine);
    Optional<List<Descriptor>> listed;
    if (theirs == null) {
      try {
        listed = referrersFromApi(repository, subject, notes);
      } catch (CannotCheckException e) {
        referrersApi.remove(repository, mine);
        mine.completeExceptionally(e);
        throw e;
      }
      mine.complete(listed.isPresent());
    } else {
      boolean exists;
      try {
        exists = theirs.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof CannotCheckException c ? c : e;
      }
      if (!exists) {
        return false;
      }
      listed = referrersFromApi(repository, subject, notes);
    }
    listed.ifPresent(
        l ->
            l.forEach(
                d ->
                    found.putIfAbsent(
                        d.digest(), new Referrer(d, "referrers API", Optional.empty()))));
    return listed.isPresent();
  }

  /**
   * Answers that mean "this registry has no referrers API" rather than "it failed": 404
   * (distribution 2.8), 405 and 501 (not implemented), 406 (the Accept of an OCI index is not
   * understood), and a 401 with no challenge to answer (a proxy in front that knows no such route).
   */
  private static boolean noReferrersApi(int status) {
    return status == 404 || status == 405 || status == 406 || status == 501 || status == 401;
  }

  /** The API's answer, all pages; empty when the registry has no referrers API. */
  private Optional<List<Descriptor>> referrersFromApi(
      String repository, Digest subject, List<String> notes) {
    List<Descriptor> all = new java.util.ArrayList<>();
    Set<URI> pagesSeen = new java.util.HashSet<>();
    URI next = base.resolve("/v2/" + repository + "/referrers/" + subject);
    while (next != null && pagesSeen.add(next)) {
      if (pagesSeen.size() > MAX_PAGES) {
        throw new CannotCheckException(
            "registry " + registry + " kept paging the referrers of " + subject);
      }
      HttpResponse r =
          send(
              new HttpRequest(
                  "GET",
                  next,
                  Map.of("Accept", MediaTypes.OCI_INDEX),
                  repository,
                  MAX_REFERRER_INDEX));
      if (pagesSeen.size() == 1 && noReferrersApi(r.status())) {
        return Optional.empty();
      }
      if (r.status() != 200 || r.truncated()) {
        throw new CannotCheckException(
            "registry "
                + registry
                + " answered "
                + r.status()
                + (r.truncated() ? " with more than " + MAX_REFERRER_INDEX + " bytes" : "")
                + " to "
                + next.getPath());
      }
      Optional<List<Descriptor>> entries = indexEntries(r.body());
      if (entries.isEmpty()) {
        // A 200 that is not a referrers index: a registry (or a catch-all proxy) that does not
        // implement the API and answers every path. Treated as no API, said once.
        notes.add(
            "registry "
                + registry
                + " answered the referrers API with something that is not an image index:"
                + " taken as no referrers API");
        return Optional.empty();
      }
      all.addAll(entries.get());
      URI page = next;
      next =
          r.header("link")
              .map(RegistryClient::nextLink)
              .map(l -> resolveLink(page, l))
              .orElse(null);
    }
    return Optional.of(all);
  }

  /** The entries of an image index; empty when the body is not one. */
  private static Optional<List<Descriptor>> indexEntries(byte[] body) {
    try {
      Manifest manifest =
          new dev.registryintegrity.model.ManifestParser().parse(body, MediaTypes.OCI_INDEX);
      return manifest instanceof Manifest.Index index
          ? Optional.of(index.manifests())
          : Optional.empty();
    } catch (dev.registryintegrity.model.MalformedManifestException e) {
      return Optional.empty();
    }
  }

  /** The repository's tags that name a digest ("sha256-…"), listed once per repository. */
  private Set<String> referrerTags(String repository) {
    java.util.concurrent.CompletableFuture<Set<String>> mine =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<Set<String>> theirs =
        referrerTags.putIfAbsent(repository, mine);
    if (theirs != null) {
      return theirs.join();
    }
    Set<String> tags;
    try {
      tags =
          Set.copyOf(listTags(repository, 1000).stream().filter(CosignTags::namesDigest).toList());
    } catch (CannotCheckException e) {
      // No tag listing (a token without list rights): the API still answers where it exists.
      tags = Set.of();
    }
    mine.complete(tags);
    return tags;
  }

  /** A blob's bytes (a config, to learn when an image was built), at most {@code maxBytes}. */
  public Optional<byte[]> fetchBlob(String repository, Digest digest, int maxBytes) {
    HttpResponse r = send("GET", repository, "blobs/" + digest, Map.of(), maxBytes);
    return r.status() == 200 && !r.truncated() ? Optional.of(r.body()) : Optional.empty();
  }

  /**
   * What a paged listing gave: its entries, or the status with which the registry refused it.
   *
   * @param refused "404 NAME_UNKNOWN", "401", "403 DENIED": the listing is not offered
   */
  private record Listing(List<String> entries, Optional<String> refused) {}

  /**
   * A paged listing ({@code _catalog}, {@code tags/list}). {@code Link} is followed as given,
   * absolute or relative to the page it came with; an empty page ends the walk (some registries
   * link past their last page); a 400 to the first page is retried with a page size the registry
   * takes (ECR refuses {@code n} above 1000).
   */
  private Listing list(String path, int pageSize, String repository, String field) {
    List<String> all = new java.util.ArrayList<>();
    Set<URI> pagesSeen = new java.util.HashSet<>();
    java.util.Deque<Integer> sizes = new java.util.ArrayDeque<>();
    for (int size : SMALLER_PAGES) {
      if (size < pageSize) {
        sizes.add(size);
      }
    }
    URI next = base.resolve(path + "?n=" + pageSize);
    while (next != null && pagesSeen.add(next)) {
      if (pagesSeen.size() > MAX_PAGES) {
        throw new CannotCheckException(
            "registry "
                + registry
                + " kept sending Link: rel=\"next\" past "
                + MAX_PAGES
                + " pages of "
                + path
                + ": its pagination does not end");
      }
      URI uri = next;
      HttpResponse r = send(new HttpRequest("GET", uri, Map.of(), repository, 16 * 1024 * 1024));
      if (r.status() == 400 && pagesSeen.size() == 1 && !sizes.isEmpty()) {
        pagesSeen.clear();
        next = base.resolve(path + "?n=" + sizes.poll());
        continue;
      }
      if (r.status() == 404
          && field.equals("tags")
          && RegistryError.parse(r.body())
              .map(e -> e.code().equals("NAME_UNKNOWN"))
              .orElse(false)) {
        return new Listing(List.of(), Optional.empty());
      }
      if (r.status() == 401 || r.status() == 403 || r.status() == 404) {
        String code = RegistryError.parse(r.body()).map(e -> " " + e.code()).orElse("");
        return new Listing(all, Optional.of(r.status() + code));
      }
      if (r.status() != 200) {
        String code = RegistryError.parse(r.body()).map(e -> " " + e.code()).orElse("");
        throw new CannotCheckException(
            "registry " + registry + " answered " + r.status() + code + " to " + uri.getPath());
      }
      int before = all.size();
      try {
        com.google.gson.JsonObject json =
            com.google.gson.JsonParser.parseString(
                    new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                .getAsJsonObject();
        if (json.has(field) && json.get(field).isJsonArray()) {
          json.getAsJsonArray(field).forEach(e -> all.add(e.getAsString()));
        }
      } catch (RuntimeException e) {
        throw new CannotCheckException(
            "registry "
                + registry
                + " answered "
                + uri.getPath()
                + " with something that is not its JSON");
      }
      next =
          all.size() == before
              ? null
              : r.header("link")
                  .map(RegistryClient::nextLink)
                  .map(l -> resolveLink(uri, l))
                  .orElse(null);
    }
    return new Listing(all, Optional.empty());
  }

  /**
   * A Link target, relative to the page it came with (on the scheme in use now); a malformed one
   * ends the listing there. One that leaves the registry is refused: the registry's credentials
   * would go with it.
   */
  private URI resolveLink(URI page, String link) {
    URI current =
        base.resolve(
            page.getRawPath() + (page.getRawQuery() == null ? "" : "?" + page.getRawQuery()));
    URI target;
    try {
      // java.net.URI follows RFC 2396, which drops the last path segment for a query-only
      // reference; RFC 3986 (what registries mean by "?last=x") keeps the path.
      target =
          link.startsWith("?")
              ? current.resolve(current.getRawPath() + link)
              : current.resolve(link);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!RegistryTransport.sameOrigin(target, base)) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " linked its next page to another server ("
              + target.getScheme()
              + "://"
              + target.getAuthority()
              + "): not followed with its credentials");
    }
    return target;
  }

  /** RFC 8288: {@code </v2/_catalog?last=b&n=2>; rel="next"}. */
  public static String nextLink(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(",")) {
      int open = part.indexOf('<');
      int close = part.indexOf('>');
      if (open >= 0
          && close > open
          && part.substring(close).replace(" ", "").contains("rel=\"next\"")) {
        return part.substring(open + 1, close).trim();
      }
    }
    return null;
  }

  private static boolean headRefused(HttpResponse r) {
    return r.status() == 405
        || r.status() == 501
        || ((r.status() == 403 || r.status() == 400) && r.body().length == 0);
  }

  /** 206 and 416 answers carry the full size in Content-Range ("bytes 0-0/12345", "bytes *\/0"). */
  private static OptionalLong rangeTotal(HttpResponse r) {
    Optional<String> range = r.header("content-range");
    if (range.isEmpty()) {
      return r.status() == 206 ? OptionalLong.empty() : r.contentLength();
    }
    String value = range.get();
    int slash = value.lastIndexOf('/');
    try {
      long total =
          slash < 0 || value.endsWith("*") ? -1 : Long.parseLong(value.substring(slash + 1).trim());
      return total < 0 ? OptionalLong.empty() : OptionalLong.of(total);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * @param hashed the digest of the bytes read, for a {@link Proof#HASHED} answer; otherwise the
   *     registry's Docker-Content-Digest claim, checked against the descriptor all the same
   */
  private Lookup.Found found(
      HttpResponse r, OptionalLong size, Optional<Digest> hashed, List<String> notes, Proof proof) {
    List<String> all = new java.util.ArrayList<>(r.notes());
    all.addAll(notes);
    return new Lookup.Found(
        String.valueOf(r.status()),
        r.header("content-type").orElse(""),
        size,
        proof == Proof.HASHED ? hashed : reportedDigest(r),
        Optional.empty(),
        all,
        proof);
  }

  /**
   * Turns a non-200 answer into a finding. {@code withBody} is the same answer with its JSON error
   * body: a HEAD has none, so one GET learns the registry's error code.
   */
  private Lookup notFound(HttpResponse r, HttpResponse withBody) {
    Optional<RegistryError> error = RegistryError.parse(withBody.body());
    String code = error.map(RegistryError::code).orElse("");
    String message = error.map(RegistryError::message).orElse("");
    String status = code.isEmpty() ? String.valueOf(r.status()) : r.status() + " " + code;
    if (r.status() == 404) {
      return new Lookup.Absent(status, code.isEmpty() ? "NOT_FOUND" : code, message);
    }
    String reason =
        RetryPolicy.retryable(r.status())
            ? "registry " + registry + " kept answering " + status + " after retries"
            : r.status() == 401
                ? "registry "
                    + registry
                    + " answered 401 without a WWW-Authenticate challenge: nothing a credential can answer"
                : "registry "
                    + registry
                    + " answered "
                    + status
                    + (message.isEmpty() ? "" : ": " + message);
    return new Lookup.Unavailable(status, reason);
  }

  private HttpResponse errorBody(String path, String repository, Map<String, String> headers) {
    try {
      return send("GET", repository, path, headers, RegistryTransport.ERROR_BODY_LIMIT);
    } catch (CannotCheckException e) {
      return new HttpResponse(0, Map.of(), new byte[0], false, base, List.of());
    }
  }

  private URI uri(String repository, String path) {
    return base.resolve("/v2/" + repository + "/" + path);
  }

  private HttpResponse send(
      String method, String repository, String path, Map<String, String> headers, int maxBody) {
    return send(new HttpRequest(method, uri(repository, path), headers, repository, maxBody));
  }

  /**
   * Sends a request to this registry. While the scheme is still open (a loopback registry, plain
   * HTTP tried first), the first answer that shows a TLS server (a refused plain request, or Go's
   * 400 "HTTP request to an HTTPS server") switches every later request to HTTPS; any other answer
   * settles plain HTTP.
   */
  private HttpResponse send(HttpRequest request) {
    HttpResponse response;
    try {
      response = transport.send(registry, request);
    } catch (CannotCheckException e) {
      if (otherScheme == null || !refusedPlainHttp(e)) {
        throw e;
      }
      return switchScheme(request);
    }
    boolean tlsPort =
        response.status() == 400
            && new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("HTTP request to an HTTPS server");
    if (otherScheme != null && tlsPort) {
      return switchScheme(request);
    }
    if (tlsPort) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " speaks TLS on this port: it answered plain HTTP with 400"
              + " \"Client sent an HTTP request to an HTTPS server\" (drop --plain-http; plugin: insecure)");
    }
    if (otherScheme != null) {
      otherScheme = null;
      schemeNote.compareAndSet(
          null,
          "registry "
              + registry
              + " answered plain HTTP (a loopback address: plain HTTP is"
              + " tried first, then HTTPS)");
    }
    // Docker Hub counts manifest GETs against a pull quota and says what is left.
    response.header("ratelimit-remaining").ifPresent(rateLimit::set);
    return response;
  }

  @Override
  public List<String> notes() {
    List<String> notes = new java.util.ArrayList<>();
    java.util.Optional.ofNullable(schemeNote.get()).ifPresent(notes::add);
    java.util.Optional.ofNullable(rateLimit.get())
        .ifPresent(left -> notes.add("registry " + registry + " rate limit remaining: " + left));
    return notes;
  }

  private HttpResponse switchScheme(HttpRequest request) {
    schemeNote.compareAndSet(
        null,
        "registry "
            + registry
            + " speaks HTTPS (a loopback address: plain HTTP was refused,"
            + " TLS verified as anywhere)");
    URI moved =
        otherScheme.resolve(
            request.uri().getRawPath()
                + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()));
    base = otherScheme;
    otherScheme = null;
    return send(
        new HttpRequest(
            request.method(),
            moved,
            request.headers(),
            request.repository(),
            request.maxBody(),
            request.hashing()));
  }

  /** A server that is there but hung up on plain HTTP: a TLS server reading an HTTP request. */
  private static boolean refusedPlainHttp(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException) {
        return false;
      }
      if (t instanceof org.apache.hc.core5.http.NoHttpResponseException
          || t instanceof java.net.SocketException
          || t instanceof org.apache.hc.core5.http.ConnectionClosedException) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Digest> reportedDigest(HttpResponse r) {
    try {
      return r.header("docker-content-digest").map(String::trim).map(Digest::parse);
    } catch (RuntimeException e) {
      // A garbled header proves nothing either way; the body's own digest is checked instead.
      return Optional.empty();
    }
  }

  private interface Request {
    Lookup run();
  }

  private static Lookup ask(Request request) {
    try {
      return request.run();
    } catch (CannotCheckException e) {
      return new Lookup.Unavailable("-", e.getMessage());
    }
  }

  @Override
  public void close() {
    transport.close();
  }
}
