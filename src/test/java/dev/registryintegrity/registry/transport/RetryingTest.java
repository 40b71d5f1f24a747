package dev.registryintegrity.registry.transport;

import static dev.registryintegrity.registry.transport.Loopback.answer;
import static dev.registryintegrity.registry.transport.Loopback.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.fixture.RawHttpServer;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The retry layer over the real layers below it and a loopback server that scripts each answer. */
class RetryingTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);

  private final List<Duration> slept = new CopyOnWriteArrayList<>();
  private final Loopback loopback = new Loopback();

  @AfterEach
  void close() {
    loopback.close();
  }

  private Retrying retrying(RetryPolicy policy, Deadline deadline) {
    return new Retrying(
        new Retries(policy, slept::add, CLOCK, deadline), new FailureMessages(Spelling.CLI));
  }

  private Retrying retrying() {
    return retrying(RetryPolicy.defaults(), Deadline.none());
  }

  /** A server whose n-th answer (from 0) is {@code script}'s; "" hangs up without answering. */
  private static RawHttpServer scripted(IntFunction<String> script) throws Exception {
    AtomicInteger n = new AtomicInteger();
    return new RawHttpServer(RawHttpServer.writing(r -> script.apply(n.getAndIncrement())));
  }

  private static final String OK = Loopback.withBody("200 OK", "ok");

  @Test
  void aRetryAfterLongerThanTheDeadlineIsNotWaitedFor() throws Exception {
    try (RawHttpServer server =
        scripted(n -> answer("429 Too Many Requests", "Retry-After: 60", "Content-Length: 0"))) {
      Retrying retrying =
          retrying(RetryPolicy.defaults(), Deadline.after(CLOCK, Duration.ofSeconds(10)));
      CannotCheckException e =
          assertThrows(
              CannotCheckException.class,
              () -> retrying.send("reg", get(server, "/v2/", Map.of()), loopback.redirects));
      assertEquals(
          "registry reg: the run's deadline of 10 s would pass before the next retry (raise"
              + " --timeout)",
          e.getMessage());
      assertEquals(List.of(), slept);
      assertEquals(1, server.seen().size());
    }
  }

  @Test
  void aRetryAfterIsWaitedAsAskedBeforeTheRequestIsSentAgain() throws Exception {
    try (RawHttpServer server =
        scripted(
            n ->
                n == 0
                    ? answer("503 Service Unavailable", "Retry-After: 7", "Content-Length: 0")
                    : OK)) {
      HttpResponse r = retrying().send("reg", get(server, "/v2/", Map.of()), loopback.redirects);
      assertEquals(200, r.status());
      assertEquals(List.of(Duration.ofSeconds(7)), slept);
      assertEquals(2, server.seen().size());
    }
  }

  @Test
  void aRetryableStatusIsRetriedWithGrowingJitteredBackoffThenReturnedAsTheAnswer()
      throws Exception {
    try (RawHttpServer server = scripted(n -> answer("502 Bad Gateway", "Content-Length: 0"))) {
      RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1));
      HttpResponse r =
          retrying(policy, Deadline.none())
              .send("reg", get(server, "/v2/", Map.of()), loopback.redirects);
      assertEquals(502, r.status());
      assertEquals(3, server.seen().size());
      assertEquals(2, slept.size());
      assertTrue(slept.get(0).toMillis() >= 50 && slept.get(0).toMillis() <= 100, slept.toString());
      assertTrue(
          slept.get(1).toMillis() >= 100 && slept.get(1).toMillis() <= 200, slept.toString());
    }
  }

  @Test
  void aBodyThatBreaksOffIsAskedForOnceMoreOnly() throws Exception {
    try (RawHttpServer server = scripted(n -> answer("200 OK", "Content-Length: 10") + "abc")) {
      HttpResponse r = retrying().send("reg", get(server, "/v2/", Map.of()), loopback.redirects);
      String error = r.bodyError().orElseThrow();
      assertTrue(error.startsWith("the body broke off after "), error);
      assertTrue(error.endsWith(" (the server closed the connection early)"), error);
      assertEquals(2, server.seen().size(), "the one body retry, whatever the retry count");
      assertEquals(1, slept.size());
    }
  }

  @Test
  void anUploadWhoseAnswerBreaksOffIsNotSentAgain() throws Exception {
    try (RawHttpServer server =
        scripted(n -> answer("201 Created", "Content-Length: 10") + "abc")) {
      HttpRequest upload = upload(server, "PUT");
      HttpResponse r = retrying().send("reg", upload, loopback.redirects);
      assertTrue(r.bodyError().isPresent());
      assertEquals(1, server.seen().size(), "an upload is sent once");
      assertEquals(List.of(), slept);
    }
  }

  @Test
  void aDroppedConnectionIsRetriedAndTheFailureCountsTheAttempts() throws Exception {
    try (RawHttpServer server = scripted(n -> "")) {
      CannotCheckException e =
          assertThrows(
              CannotCheckException.class,
              () -> retrying().send("reg", get(server, "/v2/", Map.of()), loopback.redirects));
      assertEquals(
          "registry reg closed the connection without answering after 4 attempts", e.getMessage());
      assertEquals(4, server.seen().size());
    }
  }

  @Test
  void anUploadThatMayHaveLeftBytesBehindIsNeverSentTwice() throws Exception {
    try (RawHttpServer server = scripted(n -> "")) {
      HttpRequest upload = upload(server, "PATCH");
      CannotCheckException e =
          assertThrows(
              CannotCheckException.class, () -> retrying().send("reg", upload, loopback.redirects));
      assertEquals("registry reg closed the connection without answering", e.getMessage());
      assertEquals(1, server.seen().size());
      assertEquals(List.of(), slept);
    }
  }

  @Test
  void aFailureThatCannotRecoverIsNotRetried() throws Exception {
    try (RawHttpServer server =
        scripted(n -> answer("302 Found", "Location: /v2/again", "Content-Length: 0"))) {
      CannotCheckException e =
          assertThrows(
              CannotCheckException.class,
              () -> retrying().send("reg", get(server, "/v2/", Map.of()), loopback.redirects));
      assertEquals(
          "registry reg: more than 5 redirects from /v2/ (a redirect loop): fix the registry's or"
              + " its storage's redirect configuration",
          e.getMessage());
      assertEquals(Redirects.MAX_REDIRECTS + 1, server.seen().size(), "the hops, sent once");
      assertEquals(List.of(), slept);
    }
  }

  /** A blob upload whose body cannot be sent again (a stream read as it goes). */
  private static HttpRequest upload(RawHttpServer server, String method) {
    return new HttpRequest(
            method,
            URI.create("http://" + server.host() + "/v2/team/app/blobs/uploads/1"),
            Map.of(),
            "team/app",
            1024)
        .sending(
            new HttpRequest.Body(
                "application/octet-stream",
                3,
                () -> new ByteArrayInputStream(new byte[] {1, 2, 3}),
                false));
  }
}
