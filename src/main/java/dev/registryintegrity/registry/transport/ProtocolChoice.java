package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http2.H2ConnectionException;
import org.apache.hc.core5.http2.H2CorruptFrameException;
import org.apache.hc.core5.http2.H2Error;
import org.apache.hc.core5.http2.H2StreamResetException;
import org.apache.hc.core5.http2.hpack.HPackException;
import org.apache.hc.core5.http2.impl.nio.ProtocolNegotiationException;

/**
 * The wire that picks the protocol for each origin: HTTP/2 over TLS where the server chooses it in
 * the handshake, HTTP/1.1 for plain HTTP, through a proxy, for requests that send a body, and for
 * an origin that refused HTTP/2 or misbehaved on it. That fallback is decided once per origin, the
 * request that found it is sent again over HTTP/1.1 at once, and a note says why.
 */
final class ProtocolChoice implements Wire, AutoCloseable {
  private final TransportSettings settings;
  private final SharedTls tls;
  private final ClassicWire http1;
  private Http2Wire http2;
  private boolean closed;

  /** The set-up started ahead, once per transport; for tests to wait on. */
  private CompletableFuture<Void> preparing;

  /** Origins that speak HTTP/1.1 only, and why. */
  private final Map<String, String> http1Only = new ConcurrentHashMap<>();

  ProtocolChoice(TransportSettings settings) {
    this.settings = settings;
    this.tls = new SharedTls(settings.tls());
    this.http1 = new ClassicWire(settings, tls);
  }

  /**
   * The HTTP/2 client, started when TLS is set up ahead or on the first HTTPS request: a run that
   * expects plain HTTP never loads it.
   */
  private synchronized Http2Wire http2() throws IOException {
    if (closed) {
      throw new IOException("the transport is closed");
    }
    if (http2 == null) {
      http2 = new Http2Wire(settings, tls);
    }
    return http2;
  }

  /**
   * Sets TLS up for {@code base} on a thread of its own while the run is still starting: the
   * curves' first use ({@link SharedTls#warmCurves}), then the trust material and, when requests
   * there will use it, the HTTP/2 client. The first request finds each part ready, or waits for it,
   * or builds it itself. Once per transport. What fails here fails again, and is reported, on the
   * request that needs it.
   */
  synchronized CompletableFuture<Void> prepareTls(URI base) {
    if (preparing != null || closed) {
      return preparing != null ? preparing : CompletableFuture.completedFuture(null);
    }
    boolean direct = !viaProxy(base);
    CompletableFuture<Void> done = new CompletableFuture<>();
    preparing = done;
    Thread.ofPlatform()
        .daemon()
        .name("tls-set-up")
        .start(
            () -> {
              try {
                SharedTls.warmCurves();
                if (isClosed()) {
                  return;
                }
                // Outside this object's lock: close() need not wait for the trust store.
                tls.forHttp2();
                if (direct) {
                  http2();
                }
              } catch (IOException | RuntimeException | LinkageError e) {
                // Left to the first request that needs TLS, which meets it again and says why.
              } finally {
                done.complete(null);
              }
            });
    return done;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Whether the HTTP/2 client runs (set up ahead, or started by a request). */
  synchronized boolean http2Started() {
    return http2 != null;
  }

  private boolean viaProxy(URI uri) {
    return settings.proxies().proxyFor("https", uri.getHost(), Redirects.port(uri)).isPresent();
  }

  @Override
  public HttpResponse exchange(HttpRequest message, Abort abort) throws IOException {
    HttpResponse answer = send(message, abort);
    if ("https".equalsIgnoreCase(message.uri().getScheme())) {
      // Once TLS has carried an answer: not when it was only set up ahead, or refused.
      tls.used();
    }
    return answer;
  }

  private HttpResponse send(HttpRequest message, Abort abort) throws IOException {
    URI uri = message.uri();
    String origin = Redirects.origin(uri);
    if (!"https".equalsIgnoreCase(uri.getScheme())
        || message.body().isPresent()
        || http1Only.containsKey(origin)
        || viaProxy(uri)) {
      return http1.exchange(message, abort);
    }
    Http2Wire wire = http2();
    try {
      return wire.exchange(message, abort);
    } catch (IOException e) {
      Optional<String> refused =
          abort.fired() ? Optional.empty() : refusal(e, wire.hasAnswered(origin));
      if (refused.isEmpty()) {
        throw e;
      }
      http1Only.putIfAbsent(origin, refused.get());
      return http1.exchange(message, abort);
    }
  }

  /**
   * Why an origin is to be spoken to over HTTP/1.1 after {@code e}, if it is: it chose another
   * protocol in the handshake, asked for HTTP/1.1 with a stream reset, or, before it ever answered
   * on HTTP/2, broke the protocol or closed the connection. Once it has answered, such failures are
   * the network's or the server's, retried like any other.
   */
  static Optional<String> refusal(IOException e, boolean answered) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProtocolNegotiationException) {
        return Optional.of(
            "does not offer HTTP/2 in its TLS handshake" + chosen(String.valueOf(t.getMessage())));
      }
      if (t instanceof H2StreamResetException reset
          && reset.getCode() == H2Error.HTTP_1_1_REQUIRED.getCode()) {
        return Optional.of("asked for HTTP/1.1 (HTTP_1_1_REQUIRED)");
      }
      if (answered) {
        continue;
      }
      if (t instanceof H2ConnectionException
          || t instanceof H2CorruptFrameException
          || t instanceof HPackException
          || t instanceof H2StreamResetException reset
              && reset.getCode() == H2Error.PROTOCOL_ERROR.getCode()) {
        return Optional.of("broke the HTTP/2 protocol before answering on it");
      }
      if (t instanceof ConnectionClosedException) {
        return Optional.of("closed its HTTP/2 connection before answering on it");
      }
    }
    return Optional.empty();
  }

  /**
   * " (it chose NAME)" from the library's "...unexpected application protocol 'NAME'", the name cut
   * to what a protocol name holds: it is the server's text, going into a report.
   */
  private static String chosen(String message) {
    int open = message.indexOf('\'');
    int close = message.lastIndexOf('\'');
    if (open < 0 || close <= open) {
      return "";
    }
    String name = message.substring(open + 1, close).replaceAll("[^A-Za-z0-9./_-]", "?");
    return " (it chose " + name.substring(0, Math.min(name.length(), 24)) + ")";
  }

  /** Why the registry at {@code base} is spoken to over HTTP/1.1 though it is HTTPS, if it is. */
  Optional<String> http1Reason(URI base) {
    return Optional.ofNullable(http1Only.get(Redirects.origin(base)));
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (http2 != null) {
      http2.close();
    }
    http1.close();
  }
}
