package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
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
 * in flight as threads ask (the walk's concurrency). A server that does not choose h2 in the TLS
 * handshake fails the exchange before anything is sent. Requests carry no body here: uploads take
 * the HTTP/1.1 wire.
 */
final class Http2Wire implements Wire, AutoCloseable {
  /**
   * Each stream's receive window: enough for a layer to flow at a registry's round trip (1 MiB per
   * 20 ms is 50 MB/s) while a slow reader holds at most this much of one answer.
   */
  private static final int STREAM_WINDOW = 1 << 20;

  private final MinimalH2AsyncClient client;
  private final Duration readTimeout;

  Http2Wire(TransportSettings settings, SharedTls tls) {
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
    // Digests are over the bytes as stored; ask for them as they are.
    request.setHeader("Accept-Encoding", "identity");
    request.setHeader("User-Agent", "registry-integrity");
    message.headers().forEach(request::setHeader);
    StreamedAnswer answer = new StreamedAnswer(request, readTimeout);
    Cancellable stream = client.execute(answer, null, HttpClientContext.create());
    abort.whenFired(
        () -> {
          stream.cancel();
          answer.cancel();
        });
    StreamedAnswer.Head head = answer.head();
    return BodyReader.answer(
        head.status(),
        head.headers(),
        uri,
        HttpResponse.HTTP_2,
        encoding ->
            head.hasBody() && !message.method().equals("HEAD")
                ? BodyReader.read(answer.body(), stream::cancel, message, head.status(), encoding)
                : BodyReader.Body.EMPTY);
  }

  @Override
  public void close() {
    client.close(CloseMode.IMMEDIATE);
  }
}
