package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The redirect layer, followed here rather than by HttpClient: HttpClient copies the original
 * request's headers onto the redirected one, and an Authorization header sent on to S3 or a CDN is
 * refused there (and leaks the credential to another host). Range and the request's other headers
 * go with each hop as headers.
 */
final class Redirects implements Exchange {
  static final int MAX_REDIRECTS = 5;

  /** Redirects that never end: a misconfiguration, not a transient failure. */
  static final class RedirectLoop extends IOException {
    private static final long serialVersionUID = 1L;

    RedirectLoop(String message) {
      super(message);
    }
  }

  private final Exchange next;
  private final Consumer<String> log;

  /**
   * @param next sends each hop
   * @param log told method, URL, status and time of each hop; never a header
   */
  Redirects(Exchange next, Consumer<String> log) {
    this.next = next;
    this.log = log;
  }

  /**
   * Sends {@code request} and follows where it is sent, up to {@link #MAX_REDIRECTS} hops; its
   * Authorization header goes only to the request's own origin.
   */
  @Override
  public HttpResponse send(HttpRequest request) throws IOException {
    URI uri = request.uri();
    String method = request.method();
    for (int hops = 0; hops <= MAX_REDIRECTS; hops++) {
      HttpRequest hop = request.redirected(method, uri);
      if (!sameOrigin(uri, request.uri())) {
        hop = hop.withoutHeader("Authorization");
      }
      long started = System.nanoTime();
      HttpResponse response = next.send(hop);
      // Method, URL and status only: headers (Authorization among them) are never logged.
      log.accept(
          method
              + " "
              + uri
              + " -> "
              + response.status()
              + " "
              + response.protocol()
              + " ("
              + (System.nanoTime() - started) / 1_000_000
              + " ms)");
      Optional<String> location = response.header("location");
      if (isRedirect(response.status()) && location.isPresent()) {
        uri = uri.resolve(location.get().trim());
        if (response.status() == 303 && !method.equals("HEAD")) {
          method = "GET";
        }
        continue;
      }
      return response;
    }
    throw new RedirectLoop(
        "more than "
            + MAX_REDIRECTS
            + " redirects from "
            + request.uri().getPath()
            + " (a redirect loop): fix the registry's or its storage's redirect configuration");
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  public static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme())
        && Objects.equals(lower(a.getHost()), lower(b.getHost()))
        && port(a) == port(b);
  }

  /** scheme://host:port in lower case, the port written out: the key of an origin. */
  static String origin(URI uri) {
    return (uri.getScheme() + "://" + lower(uri.getHost()) + ":" + port(uri))
        .toLowerCase(Locale.ROOT);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }
}
