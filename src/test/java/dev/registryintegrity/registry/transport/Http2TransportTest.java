package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.TestPki;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hc.core5.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The transport's guarantees where HTTP/2 takes its own code paths (one connection, a stream per
 * request, flow control, stream resets), against HttpCore's own HTTP/2 server over TLS. The
 * fallback to HTTP/1.1 is proven by SchemeDecisionTest (a server that offers http/1.1 only) and
 * Http2IT (a real registry with HTTP/2 disabled).
 */
class Http2TransportTest {
  private static final TestPki PKI = TestPki.create();

  /** The layers under authentication, as RegistryTransport stacks them, over the real wires. */
  private static final class Stack implements AutoCloseable {
    final ProtocolChoice wire;
    final ExchangeGuard guard;
    final Redirects redirects;
    final List<String> log = new CopyOnWriteArrayList<>();

    Stack(Duration readTimeout, Duration budget) {
      this(readTimeout, budget, new TlsSettings(false, List.of(PKI.certificate(PKI.caCert))));
    }

    Stack(Duration readTimeout, Duration budget, TlsSettings tls) {
      TransportSettings settings = Loopback.settings(readTimeout, tls);
      wire = new ProtocolChoice(settings);
      guard = new ExchangeGuard(Deadline.none(), budget, wire);
      redirects = new Redirects(new Throttle(RateLimiter.unlimited(), guard), log::add);
    }

    Stack() {
      this(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
      wire.close();
      guard.close();
    }
  }

  private static dev.registryintegrity.registry.transport.HttpResponse get(
      Exchange layer, String uri, Map<String, String> headers, int maxBody) throws IOException {
    return layer.send(new HttpRequest("GET", URI.create(uri), headers, "team/app", maxBody));
  }

  private static void text(HttpResponse response, java.io.OutputStream body, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    response.setCode(200);
    response.setHeader("Content-Length", String.valueOf(bytes.length));
    body.write(bytes);
  }

  @Test
  void concurrentRequestsAreStreamsInFlightTogetherOnOneConnection() throws Exception {
    // The first 8 answers wait until all 8 requests are in: a wire that sent one at a time fails.
    java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(8);
    try (Http2TestServer server =
            new Http2TestServer(
                PKI,
                (seen, response, body) -> {
                  inFlight.countDown();
                  try {
                    if (!inFlight.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                      throw new IOException("the requests were not in flight together");
                    }
                  } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                  }
                  text(response, body, "{}");
                });
        Stack stack = new Stack();
        ExecutorService threads = Executors.newFixedThreadPool(8)) {
      List<Future<dev.registryintegrity.registry.transport.HttpResponse>> answers =
          new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        String uri = server.origin() + "/v2/team/app/blobs/" + i;
        answers.add(threads.submit(() -> get(stack.redirects, uri, Map.of(), 1024)));
      }
      for (Future<dev.registryintegrity.registry.transport.HttpResponse> answer : answers) {
        assertEquals(200, answer.get().status());
        assertEquals("HTTP/2", answer.get().protocol());
        assertEquals("{}", new String(answer.get().body(), StandardCharsets.UTF_8));
      }
      assertEquals(16, server.seen.size());
      assertEquals(1, server.connections.size(), server.connections.toString());
      assertTrue(
          server.seen.stream().allMatch(s -> s.protocol().equals("HTTP/2.0")),
          server.seen.toString());
      assertTrue(stack.log.get(0).contains(" -> 200 HTTP/2 ("), stack.log.get(0));
      assertEquals(Optional.empty(), stack.wire.http1Reason(URI.create(server.origin())));
    }
  }

  @Test
  void aRedirectToAnotherOriginDropsAuthorizationAndKeepsRange() throws Exception {
    try (Http2TestServer storage =
            new Http2TestServer(PKI, (seen, response, body) -> text(response, body, "data"));
        Http2TestServer registry =
            new Http2TestServer(
                PKI,
                (seen, response, body) -> {
                  response.setCode(307);
                  response.setHeader(
                      "Location",
                      seen.path().startsWith("/v2/same")
                          ? "/v2/elsewhere"
                          : storage.origin() + "/blob");
                  response.setHeader("Content-Length", "0");
                });
        Stack stack = new Stack()) {
      dev.registryintegrity.registry.transport.HttpResponse answer =
          get(
              stack.redirects,
              registry.origin() + "/v2/team/app/blobs/sha256:1",
              Map.of("Authorization", "Bearer secret", "Range", "bytes=0-0"),
              1024);
      assertEquals(200, answer.status());
      assertEquals("HTTP/2", answer.protocol());
      Http2TestServer.Seen fetched = storage.seen.get(0);
      assertNull(fetched.header("Authorization"), "the credential went to another origin");
      assertEquals("bytes=0-0", fetched.header("Range"));
      assertEquals("Bearer secret", registry.seen.get(0).header("Authorization"));
    }
  }

  @Test
  void anAnswerThatDripsPastItsBudgetIsCutOffAndTheConnectionServesTheNext() throws Exception {
    try (Http2TestServer server =
            new Http2TestServer(
                PKI,
                (seen, response, body) -> {
                  if (seen.path().endsWith("/quick")) {
                    text(response, body, "{}");
                    return;
                  }
                  response.setCode(200);
                  response.setHeader("Content-Length", "100");
                  for (int i = 0; i < 100; i++) {
                    // Within the read timeout each time: only the guard's budget ends it.
                    body.write('x');
                    body.flush();
                    sleep(100);
                  }
                });
        Stack stack = new Stack(Duration.ofSeconds(5), Duration.ofSeconds(1))) {
      long started = System.nanoTime();
      ExchangeGuard.CutOff cut =
          assertThrows(
              ExchangeGuard.CutOff.class,
              () -> get(stack.guard, server.origin() + "/v2/drip", Map.of(), 1024));
      assertEquals(
          "the answer took longer than 1 s in all (the registry sends too slowly)",
          cut.getMessage());
      assertTrue((System.nanoTime() - started) / 1_000_000 < 5_000);
      // The stream was reset, not the connection: the next request shares it.
      assertEquals(200, get(stack.guard, server.origin() + "/v2/quick", Map.of(), 1024).status());
      assertEquals(1, server.connections.size(), server.connections.toString());
    }
  }

  @Test
  void aBodyOverItsLimitIsCutThereAndTheConnectionServesTheNext() throws Exception {
    byte[] big = new byte[8 << 20];
    try (Http2TestServer server =
            new Http2TestServer(
                PKI,
                (seen, response, body) -> {
                  response.setCode(200);
                  response.setHeader("Content-Length", String.valueOf(big.length));
                  body.write(big);
                });
        Stack stack = new Stack()) {
      for (int i = 0; i < 3; i++) {
        dev.registryintegrity.registry.transport.HttpResponse answer =
            get(stack.guard, server.origin() + "/v2/big", Map.of(), 4096);
        assertTrue(answer.truncated());
        assertEquals(4096, answer.body().length);
      }
      assertEquals(1, server.connections.size(), server.connections.toString());
    }
  }

  @Test
  void headersAndThenSilenceEndTheBodyOnTheReadTimeout() throws Exception {
    try (Http2TestServer server =
            new Http2TestServer(
                PKI,
                (seen, response, body) -> {
                  response.setCode(200);
                  response.setHeader("Content-Length", "10");
                  body.write('x');
                  body.flush();
                  sleep(4_000);
                });
        Stack stack = new Stack(Duration.ofSeconds(1), Duration.ofSeconds(10))) {
      dev.registryintegrity.registry.transport.HttpResponse answer =
          get(stack.guard, server.origin() + "/v2/silent", Map.of(), 1024);
      assertEquals(200, answer.status());
      assertTrue(
          answer.bodyError().orElseThrow().endsWith("(no data within the read timeout)"),
          answer.bodyError().toString());
    }
  }

  @Test
  void aStreamEndedShortIsRetriedOnceOnTheSameConnection() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean first =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    try (Http2TestServer server =
            new Http2TestServer(
                PKI,
                (seen, response, body) -> {
                  response.setCode(200);
                  response.setHeader("Content-Length", "4");
                  if (first.getAndSet(false)) {
                    body.write("da".getBytes(StandardCharsets.UTF_8));
                    body.flush();
                    throw new IOException("storage read failed");
                  }
                  body.write("data".getBytes(StandardCharsets.UTF_8));
                });
        Stack stack = new Stack()) {
      Retrying retrying =
          new Retrying(
              new Retries(RetryPolicy.defaults(), d -> {}, Clock.systemUTC(), Deadline.none()),
              new FailureMessages(Spelling.CLI));
      dev.registryintegrity.registry.transport.HttpResponse answer =
          retrying.send(
              "localhost",
              new HttpRequest(
                  "GET",
                  URI.create(server.origin() + "/v2/team/app/blobs/x"),
                  Map.of(),
                  "team/app",
                  64),
              stack.redirects);
      assertEquals("data", new String(answer.body(), StandardCharsets.UTF_8));
      assertEquals(Optional.empty(), answer.bodyError());
      assertEquals(2, server.seen.size());
      assertEquals(1, server.connections.size(), server.connections.toString());
    }
  }

  @Test
  void tlsSetUpAheadSendsNothingAndTheFirstRequestUsesIt() throws Exception {
    try (Http2TestServer server = new Http2TestServer(PKI, (seen, r, body) -> text(r, body, "{}"));
        Stack stack = new Stack()) {
      var ahead = stack.wire.prepareTls(URI.create(server.origin()));
      assertEquals(ahead, stack.wire.prepareTls(URI.create(server.origin())), "once");
      ahead.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(stack.wire.http2Started(), "the HTTP/2 client runs before any request");
      assertEquals(List.of(), server.seen);
      assertEquals(java.util.Set.of(), server.connections);

      var answer = get(stack.redirects, server.origin() + "/v2/", Map.of(), 1024);
      assertEquals(200, answer.status());
      assertEquals("HTTP/2", answer.protocol());
      assertEquals(1, server.connections.size(), server.connections.toString());
    }
  }

  @Test
  void aServerTheGivenCaDoesNotVouchForFailsTheFirstRequestAsWithoutSetUpAhead() throws Exception {
    TestPki other = TestPki.create();
    try (Http2TestServer server = new Http2TestServer(PKI, (seen, r, body) -> text(r, body, "{}"));
        Stack stack =
            new Stack(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                new TlsSettings(false, List.of(other.certificate(other.caCert))))) {
      stack
          .wire
          .prepareTls(URI.create(server.origin()))
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(stack.wire.http2Started());
      IOException e =
          assertThrows(
              IOException.class,
              () -> get(stack.redirects, server.origin() + "/v2/", Map.of(), 1024));
      assertTrue(e instanceof javax.net.ssl.SSLHandshakeException, e.toString());
      assertEquals(
          "the registry's certificate is not signed by a CA this machine trusts",
          FailureMessages.plain(e));
      assertEquals(List.of(), server.seen);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException();
    }
  }
}
