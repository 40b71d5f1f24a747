package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalH2AsyncClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The wire for HTTP/2 over TLS: one connection per registry, every request a stream on it, as many
 * in flight as threads ask (the walk's concurrency). A server that chooses another protocol in the
 * TLS handshake fails the exchange before anything is sent; one that chooses none (no ALPN) is sent
 * the HTTP/2 preface, and what it answers decides. Requests carry no body here: uploads take the
 * HTTP/1.1 wire.
 */
final class Http2Wire implements Wire, AutoCloseable {
  /**
   * Each stream's receive window: enough for a layer to flow at a registry's round trip (1 MiB per
   * 20 ms is 50 MB/s) while a slow reader holds at most this much of one answer.
   */
  private static final int STREAM_WINDOW = 1 << 20;

  private final MinimalH2AsyncClient client;
  private final Duration readTimeout;

  /** Origins that have answered on HTTP/2: a failure there is the network's, not the protocol's. */
  private final Set<String> answered = ConcurrentHashMap.newKeySet();

  Http2Wire(TransportSettings settings, SharedTls tls) throws SSLException {
    this.readTimeout = settings.readTimeout();
    this.client =
        HttpAsyncClients.createHttp2Minimal(
            H2Config.custom().setPushEnabled(false).setInitialWindowSize(STREAM_WINDOW).build(),
            // One I/O thread: one connection per registry, and TLS records are decrypted there.
            IOReactorConfig.custom().setIoThreadCount(1).build(),
            tls.forHttp2());
    ConnectionConfig connection =
        ConnectionConfig.custom()
            .setConnectTimeout(Timeout.of(settings.connectTimeout()))
            .setSocketTimeout(Timeout.of(settings.readTimeout()))
            .build();
    client.setConnectionConfigResolver(host -> connection);
    client.start();
  }

  @Override
  public HttpResponse exchange(HttpRequest message, Abort abort) throws IOException {
    URI uri = message.uri();
    BasicHttpRequest request = new BasicHttpRequest(message.method(), uri);
    Wire.setHeaders(message, request::setHeader);
    StreamedAnswer answer = new StreamedAnswer(request, readTimeout);
    Cancellable stream = client.execute(answer, null, HttpClientContext.create());
    Runnable reset =
        () -> {
          stream.cancel();
          answer.cancel();
        };
    abort.whenFired(reset);
    StreamedAnswer.Head head;
    try {
      head = answer.head();
    } catch (IOException | RuntimeException e) {
      // An answer that comes after all must not hold a stream (and its window) for the run.
      reset.run();
      throw e;
    }
    answered.add(Redirects.origin(uri));
    boolean bodyWanted = head.hasBody() && !message.method().equals("HEAD");
    if (head.hasBody() && !bodyWanted) {
      reset.run();
    }
    return BodyReader.answer(
        head.status(),
        head.headers(),
        uri,
        HttpResponse.HTTP_2,
        encoding ->
            bodyWanted
                ? BodyReader.read(answer.body(), stream::cancel, message, head.status(), encoding)
                : BodyReader.Body.EMPTY);
  }

  /** Whether {@code origin} (as {@link Redirects#origin}) has sent a head on HTTP/2. */
  boolean hasAnswered(String origin) {
    return answered.contains(origin);
  }

  @Override
  public void close() {
    client.close(CloseMode.IMMEDIATE);
  }
}
