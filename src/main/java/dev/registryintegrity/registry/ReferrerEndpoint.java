package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.Interruptions;
import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The referrers of a manifest, found the ways clients record them: the OCI 1.1 referrers API, its
 * fallback tag, and cosign's tag scheme; each way's quirks in the field handled here.
 */
final class ReferrerEndpoint {
  private final RegistryConnection connection;
  private static final int MAX_REFERRER_INDEX = 4 * 1024 * 1024;
  private final Listings listings;
  private final ManifestEndpoint manifests;

  /** Per repository: whether the registry has the referrers API (unknown until asked). */
  private final Map<String, java.util.concurrent.CompletableFuture<Boolean>> referrersApi =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, java.util.concurrent.CompletableFuture<Set<String>>> referrerTags =
      new java.util.concurrent.ConcurrentHashMap<>();

  ReferrerEndpoint(RegistryConnection connection, Listings listings, ManifestEndpoint manifests) {
    this.connection = connection;
    this.listings = listings;
    this.manifests = manifests;
  }

  /**
   * The referrers of {@code subject}, found the ways clients record them: the OCI 1.1 referrers API
   * ({@code GET /v2/<name>/referrers/<digest>}, pages followed); where the registry has none
   * (distribution 2.8 answers 404), the spec's fallback tag {@code sha256-<hex>} holding an index
   * of them; and cosign's tags ({@link CosignTags}). Which tags exist is learnt from one tag
   * listing per repository, so a manifest with no referrers costs one request (the API) or none (no
   * API, no tag).
   */
  ReferrerLookup referrers(String repository, Digest subject) {
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
    Lookup index =
        manifests.fetchManifestBody(repository, ManifestRef.tag(tag), MAX_REFERRER_INDEX);
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
    HttpResponse r = connection.sendManifest("HEAD", repository, tag, 0);
    Optional<Digest> digest = connection.reportedDigest(r);
    if (r.status() == 200 && digest.isPresent() && r.contentLength().isPresent()) {
      return Optional.of(
          Descriptor.of(
              r.header("content-type").orElse(""), digest.get(), r.contentLength().getAsLong()));
    }
    // No Docker-Content-Digest or length on the HEAD (some registries and proxies), or a HEAD
    // that says no: the body's own hash names the manifest.
    if (manifests.fetchManifestBody(repository, ManifestRef.tag(tag), MAX_REFERRER_INDEX)
            instanceof Lookup.Found f
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
   * (distribution 2.8), 405 and 501 (no such method or route), 406 (the Accept of an OCI index is
   * not understood), and a 401 with no challenge to answer (a proxy in front that knows no such
   * route).
   */
  private static boolean noReferrersApi(int status) {
    return status == 404 || status == 405 || status == 406 || status == 501 || status == 401;
  }

  /** The API's answer, all pages; empty when the registry has no referrers API. */
  private Optional<List<Descriptor>> referrersFromApi(
      String repository, Digest subject, List<String> notes) {
    List<Descriptor> all = new java.util.ArrayList<>();
    Set<URI> pagesSeen = new java.util.HashSet<>();
    URI next = connection.base().resolve("/v2/" + repository + "/referrers/" + subject);
    while (next != null && pagesSeen.add(next)) {
      if (pagesSeen.size() > Listings.MAX_PAGES) {
        throw new CannotCheckException(
            "registry " + connection.registry() + " kept paging the referrers of " + subject);
      }
      HttpResponse r =
          connection.send(
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
                + connection.registry()
                + " answered "
                + r.status()
                + (r.truncated() ? " with more than " + MAX_REFERRER_INDEX + " bytes" : "")
                + " to "
                + next.getPath());
      }
      Optional<List<Descriptor>> entries = indexEntries(r.body());
      if (entries.isEmpty()) {
        // A 200 that is not a referrers index: a registry (or a catch-all proxy) that
        // does not
        // implement the API and answers every path. Treated as no API, said once.
        notes.add(
            "registry "
                + connection.registry()
                + " answered the referrers API with something that is not an image index:"
                + " taken as no referrers API");
        return Optional.empty();
      }
      all.addAll(entries.get());
      URI page = next;
      next =
          r.header("link")
              .map(Listings::nextLink)
              .map(l -> listings.resolveLink(page, l))
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

  /**
   * The repository's tags as the caller just listed them: the referrer tags among them are then not
   * listed again, and a later listing replaces an earlier one (tags come and go).
   */
  void listed(String repository, List<String> tags) {
    referrerTags.put(
        repository,
        java.util.concurrent.CompletableFuture.completedFuture(
            Set.copyOf(tags.stream().filter(CosignTags::namesDigest).toList())));
  }

  void forget(String repository) {
    referrerTags.remove(repository);
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
          Set.copyOf(
              listings.tags(repository, 1000).stream().filter(CosignTags::namesDigest).toList());
    } catch (CannotCheckException e) {
      // No tag listing (a token without list rights): the API still answers where it exists. A
      // walk cut short is no answer, though: not remembered, the next lookup asks again.
      if (Thread.currentThread().isInterrupted() || Interruptions.causedBy(e)) {
        referrerTags.remove(repository, mine);
      }
      tags = Set.of();
    }
    mine.complete(tags);
    return tags;
  }
}
