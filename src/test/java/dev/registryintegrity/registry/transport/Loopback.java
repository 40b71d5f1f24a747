package dev.registryintegrity.registry.transport;

import dev.registryintegrity.fixture.RawHttpServer;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.credentials.CredentialStore;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The layers under authentication over a real loopback connection, stacked as {@link
 * RegistryTransport} stacks them, and the raw answers the tests' servers write.
 */
final class Loopback implements AutoCloseable {
  private static final TransportSettings SETTINGS =
      settings(Duration.ofSeconds(2), TlsSettings.defaults());

  /** The transport's settings for a test: a 2 s connect timeout, no credentials, no proxy. */
  static TransportSettings settings(Duration readTimeout, TlsSettings tls) {
    return new TransportSettings(
        Duration.ofSeconds(2),
        readTimeout,
        16,
        RetryPolicy.defaults(),
        CredentialStore.none(),
        tls,
        ProxySelection.none(),
        line -> {},
        RateLimiter.unlimited(),
        Spelling.CLI);
  }

  final ClassicWire wire = new ClassicWire(SETTINGS, new SharedTls(SETTINGS.tls()));
  final ExchangeGuard guard;
  final Throttle throttle;
  final Redirects redirects;
  final List<String> log = new CopyOnWriteArrayList<>();

  Loopback() {
    this(Deadline.none(), Duration.ofSeconds(10));
  }

  Loopback(Deadline deadline, Duration budget) {
    guard = new ExchangeGuard(deadline, budget, wire);
    throttle = new Throttle(RateLimiter.unlimited(), guard);
    redirects = new Redirects(throttle, log::add);
  }

  /** A status line and headers, the connection closed after the answer so none goes stale. */
  static String answer(String status, String... headers) {
    StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
    for (String header : headers) {
      text.append(header).append("\r\n");
    }
    return text.append("Connection: close\r\n\r\n").toString();
  }

  /** An answer with {@code body}, its length announced. */
  static String withBody(String status, String body, String... headers) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = "Content-Length: " + body.length();
    return answer(status, all) + body;
  }

  /** A registry that sends every request on to {@code target} on {@code storage} with a 307. */
  static RawHttpServer redirectingTo(RawHttpServer storage, String target) throws IOException {
    return new RawHttpServer(
        RawHttpServer.writing(
            r ->
                answer(
                    "307 Temporary Redirect",
                    "Location: http://" + storage.host() + target,
                    "Content-Length: 0")));
  }

  static HttpRequest get(RawHttpServer server, String path, Map<String, String> headers) {
    return new HttpRequest(
        "GET", URI.create("http://" + server.host() + path), headers, "team/app", 64 * 1024);
  }

  @Override
  public void close() {
    wire.close();
    guard.close();
  }
}
