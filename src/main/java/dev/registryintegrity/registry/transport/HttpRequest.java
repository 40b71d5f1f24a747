package dev.registryintegrity.registry.transport;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * One request to a registry.
 *
 * @param repository the repository it concerns, for the token scope ("repository:NAME:pull")
 * @param maxBody bytes of the answer's body to keep; more marks the response truncated
 * @param hashing stream the body through a hasher instead of keeping it (blob content checks)
 */
public record HttpRequest(
    String method,
    URI uri,
    Map<String, String> headers,
    String repository,
    int maxBody,
    Optional<Hashing> hashing) {
  public HttpRequest {
    headers = Map.copyOf(headers);
  }

  public HttpRequest(
      String method, URI uri, Map<String, String> headers, String repository, int maxBody) {
    this(method, uri, headers, repository, maxBody, Optional.empty());
  }

  /**
   * @param expected the digest asked for; the body is hashed with its algorithm
   * @param maxBytes read no further; a longer body marks the response truncated
   * @param progress told of every chunk read, for a progress line
   */
  public record Hashing(
      dev.registryintegrity.model.Digest expected,
      long maxBytes,
      java.util.function.LongConsumer progress) {}
}
