package dev.registryintegrity.registry.transport;

import dev.registryintegrity.fixture.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.support.classic.AbstractClassicServerExchangeHandler;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.impl.nio.bootstrap.H2ServerBootstrap;
import org.apache.hc.core5.http2.ssl.H2ServerTlsStrategy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.ListenerEndpoint;

/**
 * A loopback TLS server on HttpCore's own HTTP/2 implementation (the other side of the client we
 * ship), for answers no registry gives on request: drips, oversized bodies, silences, resets. It
 * records each request as seen and each connection it came on.
 */
final class Http2TestServer implements AutoCloseable {
  /** Writes the answer to one request. */
  @FunctionalInterface
  interface Handler {
    void handle(Seen request, HttpResponse response, OutputStream body) throws IOException;
  }

  /** A request as the server saw it. */
  record Seen(String method, String path, String protocol, List<Header> headers) {
    String header(String name) {
      return headers.stream()
          .filter(h -> h.getName().equalsIgnoreCase(name))
          .map(Header::getValue)
          .findFirst()
          .orElse(null);
    }
  }

  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpAsyncServer server;
  private final int port;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final Set<String> connections = ConcurrentHashMap.newKeySet();

  Http2TestServer(TestPki pki, Handler handler) throws Exception {
    this.server =
        H2ServerBootstrap.bootstrap()
            .setVersionPolicy(HttpVersionPolicy.NEGOTIATE)
            .setTlsStrategy(new H2ServerTlsStrategy(pki.serverContext()))
            .register(
                "*",
                () ->
                    new AbstractClassicServerExchangeHandler(16 * 1024, workers) {
                      @Override
                      protected void handle(
                          HttpRequest request,
                          InputStream requestBody,
                          HttpResponse response,
                          OutputStream responseBody,
                          HttpContext context)
                          throws IOException {
                        HttpCoreContext core = HttpCoreContext.cast(context);
                        connections.add(
                            String.valueOf(core.getEndpointDetails().getRemoteAddress()));
                        Seen one =
                            new Seen(
                                request.getMethod(),
                                request.getPath(),
                                String.valueOf(core.getProtocolVersion()),
                                List.of(request.getHeaders()));
                        seen.add(one);
                        handler.handle(one, response, responseBody);
                      }
                    })
            .create();
    server.start();
    ListenerEndpoint endpoint =
        server
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), URIScheme.HTTPS)
            .get();
    this.port = ((InetSocketAddress) endpoint.getAddress()).getPort();
  }

  String origin() {
    return "https://localhost:" + port;
  }

  @Override
  public void close() {
    server.close(CloseMode.IMMEDIATE);
    workers.shutdownNow();
  }
}
