package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

  /** Origins that speak HTTP/1.1 only, and why. */
  private final Map<String, String> http1Only = new ConcurrentHashMap<>();

  /**
   * Origins that have answered over HTTP/2: a failure there is the network's, not the protocol's.
   */
  private final Map<String, Boolean> answeredOnHttp2 = new ConcurrentHashMap<>();

  ProtocolChoice(TransportSettings settings) {
    this.settings = settings;
    this.tls = new SharedTls(settings.tls());
    this.http1 = new ClassicWire(settings, tls);
  }

  /**
   * The HTTP/2 client, started on the first HTTPS request: a run against a plain-HTTP registry
   * never loads it.
   */
  private synchronized Http2Wire http2() {
    if (http2 == null) {
      http2 = new Http2Wire(settings, tls);
    }
    return http2;
  }

  @Override
  public HttpResponse exchange(HttpRequest message, Abort abort) throws IOException {
    URI uri = message.uri();
    String origin = origin(uri);
    if (!"https".equalsIgnoreCase(uri.getScheme())
        || message.body().isPresent()
        || http1Only.containsKey(origin)
        || settings.proxies().proxyFor("https", uri.getHost(), port(uri)).isPresent()) {
      return http1.exchange(message, abort);
    }
    HttpResponse answer;
    try {
      answer = http2().exchange(message, abort);
    } catch (IOException e) {
      Optional<String> refused = abort.fired() ? Optional.empty() : refusal(origin, e);
      if (refused.isEmpty()) {
        throw e;
      }
      http1Only.putIfAbsent(origin, refused.get());
      return http1.exchange(message, abort);
    }
    answeredOnHttp2.putIfAbsent(origin, Boolean.TRUE);
    return answer;
  }

  /**
   * Why {@code origin} is to be spoken to over HTTP/1.1 after {@code e}, if it is: it did not
   * choose h2, or it broke the protocol (a connection error, a stream reset asking for HTTP/1.1, a
   * connection closed before it ever answered over HTTP/2).
   */
  private Optional<String> refusal(String origin, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProtocolNegotiationException) {
        return Optional.of("does not offer HTTP/2 in its TLS handshake (" + t.getMessage() + ")");
      }
      if (t instanceof H2ConnectionException
          || t instanceof H2CorruptFrameException
          || t instanceof HPackException) {
        return Optional.of("broke the HTTP/2 protocol (" + t.getMessage() + ")");
      }
      if (t instanceof H2StreamResetException reset
          && (reset.getCode() == H2Error.HTTP_1_1_REQUIRED.getCode()
              || reset.getCode() == H2Error.PROTOCOL_ERROR.getCode())) {
        return Optional.of("reset an HTTP/2 stream with " + H2Error.getByCode(reset.getCode()));
      }
      if (t instanceof ConnectionClosedException && !answeredOnHttp2.containsKey(origin)) {
        return Optional.of("closed its HTTP/2 connection before answering anything on it");
      }
    }
    return Optional.empty();
  }

  /** Why the registry at {@code base} is spoken to over HTTP/1.1 though it is HTTPS, if it is. */
  Optional<String> http1Reason(URI base) {
    return Optional.ofNullable(http1Only.get(origin(base)));
  }

  private static String origin(URI uri) {
    return (uri.getScheme() + "://" + uri.getHost() + ":" + port(uri)).toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    return uri.getPort() != -1
        ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  @Override
  public synchronized void close() {
    if (http2 != null) {
      http2.close();
    }
    http1.close();
  }
}
