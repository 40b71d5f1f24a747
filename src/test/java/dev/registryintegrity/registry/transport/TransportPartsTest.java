package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each part of the transport on its own: retries, redirects, the exchange guard. */
class TransportPartsTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final URI REGISTRY = URI.create("http://registry.test:5000/v2/app/blobs/sha256:x");

  private static HttpResponse answer(int status, String... headers) {
    Map<String, List<String>> h = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i].toLowerCase(java.util.Locale.ROOT), List.of(headers[i + 1]));
    }
    return new HttpResponse(status, h, new byte[0], false, REGISTRY, List.of());
  }

  private static Retries retries(List<Duration> slept, Deadline deadline) {
    return new Retries(RetryPolicy.defaults(), slept::add, CLOCK, deadline);
  }

  @Test
  void retryAfterInSecondsOrAsADateIsReadAgainstTheInjectedClockAndCapped() {
    Retries r = retries(new ArrayList<>(), Deadline.none());
    assertEquals(Optional.of(Duration.ofSeconds(7)), r.retryAfter(answer(429, "Retry-After", "7")));
    assertEquals(
        Optional.of(Duration.ofSeconds(20)),
        r.retryAfter(answer(503, "Retry-After", "Tue, 01 Dec 2026 12:00:20 GMT")));
    assertEquals(
        Optional.of(Duration.ZERO),
        r.retryAfter(answer(503, "Retry-After", "Tue, 01 Dec 2026 11:00:00 GMT")));
    assertEquals(
        Optional.of(RetryPolicy.defaults().maxDelay()),
        r.retryAfter(answer(429, "Retry-After", "86400")));
    assertEquals(Optional.empty(), r.retryAfter(answer(429, "Retry-After", "soon")));
    assertEquals(Optional.empty(), r.retryAfter(answer(429)));
  }

  @Test
  void aWaitThatWouldOutlastTheDeadlineIsNotWaited() {
    List<Duration> slept = new ArrayList<>();
    Retries r = retries(slept, Deadline.after(CLOCK, Duration.ofSeconds(5)));
    CannotCheckException e =
        assertThrows(CannotCheckException.class, () -> r.sleep(Duration.ofSeconds(30), "reg"));
    assertTrue(e.getMessage().contains("would pass before the next retry"), e.getMessage());
    assertEquals(List.of(), slept);
    r.sleep(Duration.ofSeconds(1), "reg");
    assertEquals(List.of(Duration.ofSeconds(1)), slept);
  }

  @Test
  void onlyFailuresThatMayRecoverAreRetried() {
    assertTrue(Retries.transient_(new java.net.SocketTimeoutException()));
    assertTrue(Retries.transient_(new java.net.ConnectException()));
    assertFalse(Retries.transient_(new UnknownHostException("x")));
    assertFalse(Retries.transient_(new javax.net.ssl.SSLHandshakeException("x")));
    assertFalse(Retries.transient_(new ExchangeGuard.CutOff("deadline")));
    assertFalse(Retries.transient_(new Redirects.RedirectLoop("loop")));
  }

  /** A hop that answers from a script and remembers the Authorization each message carried. */
  private record Scripted(List<HttpResponse> answers, List<String> seen) implements Exchange {
    @Override
    public HttpResponse send(HttpRequest hop) {
      String auth = hop.headers().get("Authorization");
      seen.add(hop.method() + " " + hop.uri() + " " + (auth == null ? "-" : auth));
      HttpResponse next = answers.remove(0);
      return new HttpResponse(
          next.status(), next.headers(), next.body(), false, hop.uri(), List.of());
    }
  }

  @Test
  void aRedirectToAnotherHostCarriesNoAuthorizationAndKeepsRange() throws IOException {
    List<String> seen = new ArrayList<>();
    Redirects redirects =
        new Redirects(
            new Scripted(
                new ArrayList<>(
                    List.of(
                        answer(307, "Location", "https://bucket.s3.test/blob?sig=1"), answer(206))),
                seen),
            line -> {});
    HttpResponse r =
        redirects.send(
            new HttpRequest("GET", REGISTRY, Map.of("Range", "bytes=0-0"), "app", 1)
                .withHeader("Authorization", "Bearer secret"));
    assertEquals(206, r.status());
    assertEquals(
        List.of("GET " + REGISTRY + " Bearer secret", "GET https://bucket.s3.test/blob?sig=1 -"),
        seen);
  }

  @Test
  void redirectsThatNeverEndAreALoopNotARetry() {
    List<HttpResponse> loop = new ArrayList<>();
    for (int i = 0; i <= Redirects.MAX_REDIRECTS; i++) {
      loop.add(answer(302, "Location", "/v2/app/blobs/sha256:x"));
    }
    Redirects redirects = new Redirects(new Scripted(loop, new ArrayList<>()), line -> {});
    assertThrows(
        Redirects.RedirectLoop.class,
        () -> redirects.send(new HttpRequest("GET", REGISTRY, Map.of(), "app", 1)));
  }

  @Test
  void anExchangeThatOutlivesItsBudgetIsCutOff() {
    Wire neverFinishing =
        (message, abort) -> {
          // A server that never finishes: the watchdog's abort is what ends it.
          while (!abort.fired()) {
            Thread.onSpinWait();
          }
          throw new IOException("cancelled");
        };
    try (ExchangeGuard guard =
        new ExchangeGuard(Deadline.none(), Duration.ofMillis(200), neverFinishing)) {
      long started = System.nanoTime();
      ExchangeGuard.CutOff cut =
          assertThrows(
              ExchangeGuard.CutOff.class,
              () -> guard.send(new HttpRequest("GET", REGISTRY, Map.of(), "app", 1)));
      assertTrue(cut.getMessage().contains("took longer than"), cut.getMessage());
      assertTrue((System.nanoTime() - started) / 1_000_000 < 5_000);
    }
  }
}
