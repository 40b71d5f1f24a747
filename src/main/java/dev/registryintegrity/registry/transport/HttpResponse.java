package dev.registryintegrity.registry.transport;

import dev.registryintegrity.model.Digest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A registry's answer, read whole (up to the request's limit) so no connection stays leased.
 *
 * @param headers names in lower case
 * @param truncated the body was longer than the request's limit and was cut there
 * @param notes what the transport did on the way worth a line in the report (a fallback)
 * @param bodyLength bytes of body received, kept or streamed through a hasher
 * @param bodyDigest the digest of a body streamed through a hasher, when it was read to its end
 * @param bodyError why the body ended early after the headers came (a reset, a short body): the
 *     server answered but did not deliver what it announced
 * @param protocol the HTTP version the answer came on ("HTTP/1.1", "HTTP/2")
 */
public record HttpResponse(
    int status,
    Map<String, List<String>> headers,
    byte[] body,
    boolean truncated,
    URI uri,
    List<String> notes,
    long bodyLength,
    Optional<Digest> bodyDigest,
    Optional<String> bodyError,
    String protocol) {
  public static final String HTTP_1_1 = "HTTP/1.1";
  public static final String HTTP_2 = "HTTP/2";

  public HttpResponse {
    headers = Map.copyOf(headers);
    notes = List.copyOf(notes);
  }

  public HttpResponse(
      int status,
      Map<String, List<String>> headers,
      byte[] body,
      boolean truncated,
      URI uri,
      List<String> notes) {
    this(
        status,
        headers,
        body,
        truncated,
        uri,
        notes,
        body.length,
        Optional.empty(),
        Optional.empty(),
        HTTP_1_1);
  }

  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public OptionalLong contentLength() {
    try {
      return header("content-length")
          .map(v -> OptionalLong.of(Long.parseLong(v.trim())))
          .filter(v -> v.getAsLong() >= 0)
          .orElse(OptionalLong.empty());
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
