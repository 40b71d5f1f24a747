package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One request to a registry.
 *
 * @param repository the repository it concerns, for the token scope ("repository:NAME:pull")
 * @param maxBody bytes of the answer's body to keep; more marks the response truncated
 * @param hashing stream the body through a hasher instead of keeping it (blob content checks)
 * @param body what the request sends (uploads and manifest pushes); none for reads
 * @param actions the token scope's actions the request needs: "pull", "pull,push" for writes,
 *     "delete" for a delete
 */
public record HttpRequest(
    String method,
    URI uri,
    Map<String, String> headers,
    String repository,
    int maxBody,
    Optional<Hashing> hashing,
    Optional<Body> body,
    String actions) {
  public static final String PULL = "pull";
  public static final String PUSH = "pull,push";

  /** Distribution asks a DELETE for this action of its own (registry/handlers/app.go). */
  public static final String DELETE = "delete";

  public HttpRequest {
    headers = Map.copyOf(headers);
  }

  public HttpRequest(
      String method,
      URI uri,
      Map<String, String> headers,
      String repository,
      int maxBody,
      Optional<Hashing> hashing) {
    this(method, uri, headers, repository, maxBody, hashing, Optional.empty(), PULL);
  }

  public HttpRequest(
      String method, URI uri, Map<String, String> headers, String repository, int maxBody) {
    this(method, uri, headers, repository, maxBody, Optional.empty());
  }

  /** The same request sent to another address (a scheme decided, an upload's Location). */
  public HttpRequest withUri(URI other) {
    return new HttpRequest(method, other, headers, repository, maxBody, hashing, body, actions);
  }

  /** The same request carrying {@code sent}; a write, so its token must allow push. */
  public HttpRequest sending(Body sent) {
    return new HttpRequest(
        method, uri, headers, repository, maxBody, hashing, Optional.of(sent), PUSH);
  }

  /** The same request, authorised to delete. */
  public HttpRequest forDelete() {
    return new HttpRequest(method, uri, headers, repository, maxBody, hashing, body, DELETE);
  }

  /** The same request, authorised to write (an upload started, a session abandoned). */
  public HttpRequest forPush() {
    return new HttpRequest(method, uri, headers, repository, maxBody, hashing, body, PUSH);
  }

  /** The same request sent on by a redirect: to {@code other}, with the method it asks for. */
  HttpRequest redirected(String otherMethod, URI other) {
    return new HttpRequest(
        otherMethod, other, headers, repository, maxBody, hashing, body, actions);
  }

  /** The same request with header {@code name} set, replacing it however it was spelled. */
  HttpRequest withHeader(String name, String value) {
    Map<String, String> changed = new java.util.HashMap<>(withoutHeader(name).headers);
    changed.put(name, value);
    return new HttpRequest(method, uri, changed, repository, maxBody, hashing, body, actions);
  }

  /** The same request without header {@code name}, in any spelling (header names ignore case). */
  HttpRequest withoutHeader(String name) {
    Map<String, String> kept = new java.util.HashMap<>(headers);
    kept.keySet().removeIf(key -> key.equalsIgnoreCase(name));
    return new HttpRequest(method, uri, kept, repository, maxBody, hashing, body, actions);
  }

  /** Whether a failure part-way may be answered by sending the same request again. */
  boolean resendable() {
    return body.map(Body::resendable).orElse(true);
  }

  /**
   * @param expected the digest asked for; the body is hashed with its algorithm
   * @param maxBytes read no further; a longer body marks the response truncated
   * @param progress told of every chunk read, for a progress line
   * @param copyTo also write the body to this file (written anew by each attempt), so a blob can be
   *     copied without holding it in memory
   */
  public record Hashing(
      dev.registryintegrity.model.Digest expected,
      long maxBytes,
      java.util.function.LongConsumer progress,
      Optional<Path> copyTo) {
    public Hashing(
        dev.registryintegrity.model.Digest expected,
        long maxBytes,
        java.util.function.LongConsumer progress) {
      this(expected, maxBytes, progress, Optional.empty());
    }
  }

  /**
   * A request body, opened anew for each attempt (a challenge answered, a redirect followed).
   *
   * @param resendable false when a part-way failure leaves state behind on the server (an upload
   *     session that took some bytes): such a request is never retried by the transport
   */
  public record Body(String contentType, long length, Opener opener, boolean resendable) {
    public static Body of(String contentType, byte[] bytes) {
      return new Body(
          contentType, bytes.length, () -> new java.io.ByteArrayInputStream(bytes), true);
    }

    public static Body empty() {
      return of("application/octet-stream", new byte[0]);
    }
  }

  /** Opens the bytes a request sends. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }
}
