package dev.registryintegrity.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.fixture.RawHttpServer;
import dev.registryintegrity.fixture.TestPki;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.registry.transport.TlsSettings;
import dev.registryintegrity.registry.transport.TransportSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a loopback registry's scheme is decided, against real servers: a plain-HTTP one, and a TLS
 * port that meets plain HTTP as registries do. The connection is what endpoints share; the scheme
 * is its {@link SchemeDecision}.
 */
class SchemeDecisionTest {
  private static final TestPki PKI = TestPki.create();
  private static final String OK =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
  private static final String PLAIN_NOTE =
      " answered plain HTTP (a loopback address: plain HTTP is tried first, then HTTPS)";
  private static final String TLS_NOTE =
      " speaks HTTPS (a loopback address: plain HTTP was refused, TLS verified as anywhere)";

  /** The port offers http/1.1 only in its TLS handshake: the run falls back and says why. */
  private static final String HTTP1_NOTE =
      " does not offer HTTP/2 in its TLS handshake (it chose http/1.1); used HTTP/1.1";

  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @AfterAll
  static void removeCertificates() throws Exception {
    try (var files = java.nio.file.Files.walk(PKI.dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static RegistryTransport transport(RetryPolicy retry, Duration readTimeout) {
    TransportSettings base = TransportSettings.defaults();
    return new RegistryTransport(
        new TransportSettings(
            Duration.ofSeconds(2),
            readTimeout,
            base.maxConnections(),
            retry,
            base.credentials(),
            new TlsSettings(false, List.of(PKI.certificate(PKI.caCert))),
            base.proxies(),
            base.requestLog(),
            base.rateLimiter(),
            base.spelling()),
        Clock.systemUTC(),
        d -> {});
  }

  private static RegistryTransport transport() {
    return transport(RetryPolicy.defaults(), Duration.ofSeconds(2));
  }

  /** A connection to a loopback registry: plain HTTP asked first, HTTPS if it speaks TLS. */
  private static RegistryConnection loopback(String host, RegistryTransport transport) {
    return new RegistryConnection(
        host, URI.create("http://" + host), URI.create("https://" + host), transport);
  }

  private static HttpRequest manifest(RegistryConnection connection, int n) {
    return new HttpRequest(
        "GET", connection.uri("team/app", "manifests/v" + n), Map.of(), "team/app", 1024);
  }

  /** Sends {@code requests}, built before any is sent, each from its own thread. */
  private List<Future<HttpResponse>> sendAll(
      RegistryConnection connection, List<HttpRequest> requests) {
    List<Future<HttpResponse>> sent = new ArrayList<>();
    for (HttpRequest request : requests) {
      sent.add(threads.submit(() -> connection.send(request)));
    }
    return sent;
  }

  @Test
  void theFirstAnswerDecidesTheSchemeForEveryWaitingRequest() throws Exception {
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger arrivals = new AtomicInteger();
    try (RawHttpServer server =
            new RawHttpServer(
                (request, out) -> {
                  if (arrivals.getAndIncrement() == 0) {
                    firstArrived.countDown();
                    release.await();
                  }
                  out.write(OK.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                });
        RegistryTransport transport = transport()) {
      RegistryConnection connection = loopback(server.host(), transport);
      List<HttpRequest> requests = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        requests.add(manifest(connection, i));
      }
      List<Future<HttpResponse>> sent = sendAll(connection, requests);
      firstArrived.await(10, TimeUnit.SECONDS);
      Thread.sleep(300);
      assertEquals(1, server.seen().size(), "the others wait for the first answer, not race it");
      release.countDown();
      for (Future<HttpResponse> answer : sent) {
        HttpResponse r = answer.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("http", r.uri().getScheme());
      }
      assertEquals(5, server.seen().size());
      assertEquals(5, connection.requestCount(), "no request beyond the ones asked for");
      assertEquals(URI.create("http://" + server.host()), connection.base());
      assertEquals(List.of("registry " + server.host() + PLAIN_NOTE), connection.notes());
    }
  }

  @Test
  void aTlsPortsAnswerToPlainHttpMovesEveryRequestToHttps() throws Exception {
    try (SchemePort server = SchemePort.tls(PKI, SchemePort.PlainHttp.GO_400);
        RegistryTransport transport = transport()) {
      RegistryConnection connection = loopback(server.host(), transport);
      List<HttpRequest> requests = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        // Built on the plain-HTTP base, before anything is decided.
        requests.add(manifest(connection, i));
      }
      for (Future<HttpResponse> answer : sendAll(connection, requests)) {
        HttpResponse r = answer.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals("https", r.uri().getScheme());
      }
      List<String> seen = server.seen();
      assertEquals(5, seen.size(), seen.toString());
      assertEquals(1, seen.stream().filter(s -> s.startsWith("http ")).count(), seen.toString());
      assertEquals(5, connection.requestCount(), "the 400 and the four answers over TLS");
      assertEquals(URI.create("https://" + server.host()), connection.base());
      assertEquals(
          List.of("registry " + server.host() + TLS_NOTE, "registry " + server.host() + HTTP1_NOTE),
          connection.notes());
    }
  }

  @Test
  void aTlsPortThatHangsUpOnPlainHttpIsAskedOverTls() throws Exception {
    try (SchemePort server = SchemePort.tls(PKI, SchemePort.PlainHttp.HANG_UP);
        RegistryTransport transport = transport()) {
      RegistryConnection connection = loopback(server.host(), transport);
      assertEquals(200, connection.send(manifest(connection, 0)).status());
      assertEquals(200, connection.send(manifest(connection, 1)).status());
      List<String> seen = server.seen();
      // A hang-up is retried like any dropped connection before it counts as a refusal.
      assertEquals(
          List.of("http", "http", "http", "http", "https", "https"),
          seen.stream().map(s -> s.substring(0, s.indexOf(' '))).toList());
      assertEquals(2, connection.requestCount());
      assertEquals(
          List.of("registry " + server.host() + TLS_NOTE, "registry " + server.host() + HTTP1_NOTE),
          connection.notes());
    }
  }

  @Test
  void aFailureThatShowsNoSchemeLeavesTheDecisionToTheNextRequest() throws Exception {
    AtomicInteger arrivals = new AtomicInteger();
    try (RawHttpServer server =
            new RawHttpServer(
                (request, out) -> {
                  if (arrivals.getAndIncrement() == 0) {
                    // Silent past the read timeout: the answer says nothing about the scheme.
                    Thread.sleep(1_500);
                  }
                  out.write(OK.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                });
        RegistryTransport transport =
            transport(RetryPolicy.defaults().withRetries(0), Duration.ofMillis(300))) {
      RegistryConnection connection = loopback(server.host(), transport);
      CannotCheckException e =
          assertThrows(CannotCheckException.class, () -> connection.send(manifest(connection, 0)));
      assertEquals(
          "registry " + server.host() + " did not answer in time (no data within the read timeout)",
          e.getMessage());
      assertEquals(List.of(), connection.notes());
      assertEquals(200, connection.send(manifest(connection, 1)).status());
      assertEquals(List.of("registry " + server.host() + PLAIN_NOTE), connection.notes());
    }
  }

  /** A loopback connection asked over HTTPS first, as for a registry given a CA certificate. */
  private static RegistryConnection tlsFirst(String host, RegistryTransport transport) {
    return new RegistryConnection(
        host, URI.create("https://" + host), URI.create("http://" + host), transport);
  }

  @Test
  void aLoopbackRegistryGivenACaIsAskedOverTlsFirstAndNeverOverPlainHttp() throws Exception {
    try (SchemePort server = SchemePort.tls(PKI, SchemePort.PlainHttp.GO_400);
        RegistryTransport transport = transport()) {
      // The transport trusts the server's CA (--ca-cert): open() asks HTTPS first.
      RegistryClient client =
          RegistryClient.open(
              dev.registryintegrity.reference.RegistryName.parse(server.host()), transport, false);
      for (String tag : List.of("v0", "v1")) {
        client.fetchManifest("team/app", ManifestRef.tag(tag), 1024);
      }
      assertEquals(
          List.of("https", "https"),
          server.seen().stream().map(s -> s.substring(0, s.indexOf(' '))).toList());
      assertEquals(2, client.requestCount());
      assertEquals(
          List.of(
              "registry "
                  + server.host()
                  + " speaks HTTPS (a loopback address given --ca-cert: TLS is tried first,"
                  + " then plain HTTP)",
              "registry " + server.host() + HTTP1_NOTE),
          client.notes());
    }
  }

  @Test
  void aPlainRegistryThatAnswersTheTlsHelloWithPlainHttpIsThenAskedOverIt() throws Exception {
    try (SchemePort server = SchemePort.plain();
        RegistryTransport transport = transport()) {
      RegistryConnection connection = tlsFirst(server.host(), transport);
      HttpResponse first = connection.send(manifest(connection, 0));
      assertEquals(200, first.status());
      assertEquals("http", first.uri().getScheme());
      assertEquals(200, connection.send(manifest(connection, 1)).status());
      List<String> seen = server.seen();
      assertEquals(
          "http GET /v2/team/app/manifests/v0 HTTP/1.1",
          seen.get(seen.size() - 2),
          seen.toString());
      assertEquals(
          "http GET /v2/team/app/manifests/v1 HTTP/1.1",
          seen.get(seen.size() - 1),
          seen.toString());
      assertTrue(seen.subList(0, seen.size() - 2).stream().allMatch("tls hello"::equals));
      assertEquals(URI.create("http://" + server.host()), connection.base());
      assertEquals(
          List.of(
              "registry "
                  + server.host()
                  + " answered plain HTTP (a loopback address given --ca-cert: TLS was tried"
                  + " first, then plain HTTP)"),
          connection.notes());
    }
  }

  @Test
  void plainHttpToATlsPortSaysSoInTheUsersWords() throws Exception {
    try (SchemePort server = SchemePort.tls(PKI, SchemePort.PlainHttp.GO_400);
        RegistryTransport transport = transport()) {
      RegistryConnection connection =
          new RegistryConnection(
              server.host(), URI.create("http://" + server.host()), null, transport);
      CannotCheckException e =
          assertThrows(CannotCheckException.class, () -> connection.send(manifest(connection, 0)));
      assertEquals(
          "registry "
              + server.host()
              + " speaks TLS on this port: it answered plain HTTP with 400 \"Client sent an HTTP"
              + " request to an HTTPS server\" (drop --plain-http)",
          e.getMessage());
      assertEquals(List.of(), connection.notes());
    }
  }
}
