package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.registry.transport.RegistryError;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One registry's address and the exchanges with it that every endpoint shares: the scheme, decided
 * once by a {@link SchemeDecision} (a loopback registry may speak plain HTTP or TLS), the request
 * URIs, and how an answer becomes a {@link Lookup} (an error body's code, a HEAD the GET
 * contradicts).
 */
final class RegistryConnection implements AutoCloseable {
  static final String ACCEPT = String.join(", ", MediaTypes.MANIFEST_ACCEPT);

  private final String registry;
  private final SchemeDecision scheme;
  private final RegistryTransport transport;
  private final java.util.concurrent.atomic.AtomicReference<String> rateLimit =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * @param otherScheme where to go when the first answer shows {@code base} has the wrong scheme,
   *     or null when the scheme is known
   */
  RegistryConnection(String registry, URI base, URI otherScheme, RegistryTransport transport) {
    this.registry = registry;
    this.scheme =
        otherScheme == null
            ? SchemeDecision.known(registry, base, transport.spelling())
            : SchemeDecision.open(registry, base, otherScheme, transport.spelling());
    this.transport = transport;
  }

  String registry() {
    return registry;
  }

  URI base() {
    return scheme.base();
  }

  RegistryTransport transport() {
    return transport;
  }

  String describe() {
    return "registry " + registry + " (" + scheme.base() + ")";
  }

  long requestCount() {
    return transport.requestCount();
  }

  /**
   * Sends a request to this registry, on the scheme {@link SchemeDecision} settles: until it is
   * decided, one request at a time decides it and the others wait.
   */
  HttpResponse send(HttpRequest request) {
    HttpResponse response = scheme.send(request, r -> transport.send(registry, r));
    // Docker Hub counts manifest GETs against a pull quota and says what is left.
    response.header("ratelimit-remaining").ifPresent(rateLimit::set);
    return response;
  }

  /**
   * A HEAD said no and the GET that was to fetch the error said yes: some registries and proxies
   * answer HEAD wrongly, and a client pulls with GET, so the GET decides.
   */
  Lookup disagreeingHead(HttpResponse head, HttpResponse get, Proof proof) {
    OptionalLong size = get.status() == 206 ? rangeTotal(get) : get.contentLength();
    return found(
        get,
        size,
        Optional.empty(),
        List.of("HEAD answered " + head.status() + ", GET " + get.status() + ": the GET decides"),
        proof);
  }

  /** 206 and 416 answers carry the full size in Content-Range ("bytes 0-0/12345", "bytes *\/0"). */
  static OptionalLong rangeTotal(HttpResponse r) {
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
  Lookup.Found found(
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
  Lookup notFound(HttpResponse r, HttpResponse withBody) {
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

  HttpResponse errorBody(String path, String repository, Map<String, String> headers) {
    try {
      return send("GET", repository, path, headers, RegistryTransport.ERROR_BODY_LIMIT);
    } catch (CannotCheckException e) {
      return new HttpResponse(0, Map.of(), new byte[0], false, scheme.base(), List.of());
    }
  }

  URI uri(String repository, String path) {
    return scheme.base().resolve("/v2/" + repository + "/" + path);
  }

  /** A manifest request, with the Accept header every manifest request carries. */
  HttpResponse sendManifest(String method, String repository, String reference, int maxBody) {
    return send(method, repository, "manifests/" + reference, Map.of("Accept", ACCEPT), maxBody);
  }

  HttpResponse send(
      String method, String repository, String path, Map<String, String> headers, int maxBody) {
    return send(new HttpRequest(method, uri(repository, path), headers, repository, maxBody));
  }

  List<String> notes() {
    List<String> notes = new java.util.ArrayList<>();
    scheme.note().ifPresent(notes::add);
    transport
        .http1Reason(scheme.base())
        .ifPresent(why -> notes.add("registry " + registry + " " + why + "; used HTTP/1.1"));
    java.util.Optional.ofNullable(rateLimit.get())
        .ifPresent(left -> notes.add("registry " + registry + " rate limit remaining: " + left));
    return notes;
  }

  static Optional<Digest> reportedDigest(HttpResponse r) {
    try {
      return r.header("docker-content-digest").map(String::trim).map(Digest::parse);
    } catch (RuntimeException e) {
      // A garbled header proves nothing either way; the body's own digest is checked instead.
      return Optional.empty();
    }
  }

  static Lookup ask(Request request) {
    try {
      return request.run();
    } catch (CannotCheckException e) {
      return new Lookup.Unavailable("-", e.getMessage());
    }
  }

  interface Request {
    Lookup run();
  }

  @Override
  public void close() {
    transport.close();
  }
}
