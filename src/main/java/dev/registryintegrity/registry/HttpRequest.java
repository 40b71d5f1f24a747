package dev.registryintegrity.registry;

import java.net.URI;
import java.util.Map;

/**
 * One request to a registry.
 *
 * @param repository the repository it concerns, for the token scope ("repository:NAME:pull")
 * @param maxBody bytes of the answer's body to keep; more marks the response truncated
 */
public record HttpRequest(String method, URI uri, Map<String, String> headers, String repository, int maxBody) {
  public HttpRequest {
    headers = Map.copyOf(headers);
  }
}
