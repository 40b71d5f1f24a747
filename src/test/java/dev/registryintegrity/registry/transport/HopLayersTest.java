package dev.registryintegrity.registry.transport;

import static dev.registryintegrity.registry.transport.Loopback.answer;
import static dev.registryintegrity.registry.transport.Loopback.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.RawHttpServer;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The layers under authentication, over real loopback servers: redirects over the throttle over the
 * guard over the classic wire, as {@link RegistryTransport} stacks them.
 */
class HopLayersTest {

  @Test
  void authorizationIsNotSentToARedirectedHost() throws Exception {
    try (RawHttpServer storage =
            new RawHttpServer(
                RawHttpServer.writing(
                    r -> answer("206 Partial Content", "Content-Length: 1") + "x"));
        RawHttpServer registry = Loopback.redirectingTo(storage, "/blob?sig=1");
        Loopback loopback = new Loopback()) {
      HttpResponse r =
          loopback.redirects.send(
              get(registry, "/v2/team/app/blobs/sha256:x", Map.of("Range", "bytes=0-0"))
                  .withHeader("Authorization", "Bearer secret"));
      assertEquals(206, r.status());
      assertEquals(URI.create("http://" + storage.host() + "/blob?sig=1"), r.uri());
      assertEquals("Bearer secret", registry.seen().get(0).header("Authorization"));
      assertNull(storage.seen().get(0).header("Authorization"), storage.seen().toString());
      assertEquals("bytes=0-0", storage.seen().get(0).header("Range"));
      assertEquals(2, loopback.throttle.answers(), "each hop counts as an answer");
      List<String> log = loopback.log;
      assertEquals(2, log.size(), log.toString());
      assertTrue(log.get(0).startsWith("GET http://" + registry.host()), log.toString());
      assertTrue(log.stream().noneMatch(l -> l.contains("secret")), log.toString());
    }
  }

  @Test
  void aSeeOtherAfterAnUploadIsFetchedWithGetAndNoBody() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                RawHttpServer.writing(
                    r ->
                        r.method().equals("PUT")
                            ? answer("303 See Other", "Location: /done", "Content-Length: 0")
                            : Loopback.withBody("200 OK", "ok")));
        Loopback loopback = new Loopback()) {
      HttpRequest put =
          new HttpRequest(
                  "PUT",
                  URI.create("http://" + server.host() + "/v2/team/app/blobs/uploads/1"),
                  Map.of(),
                  "team/app",
                  1024)
              .sending(HttpRequest.Body.of("application/octet-stream", new byte[] {1, 2, 3}));
      HttpResponse r = loopback.redirects.send(put);
      assertEquals(200, r.status());
      assertEquals("ok", new String(r.body(), StandardCharsets.UTF_8));
      assertEquals("PUT", server.seen().get(0).method());
      assertEquals("3", server.seen().get(0).header("Content-Length"));
      assertEquals("GET /done HTTP/1.1", server.seen().get(1).line());
      assertNull(server.seen().get(1).header("Content-Length"));
    }
  }

  @Test
  void anAnswerThatDripsPastItsBudgetIsCutOff() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                (request, out) -> {
                  out.write(
                      answer("200 OK", "Content-Length: 100").getBytes(StandardCharsets.UTF_8));
                  for (int i = 0; i < 100; i++) {
                    // Within the read timeout each time: only the guard's budget ends it.
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                  }
                });
        Loopback loopback = new Loopback(Deadline.none(), Duration.ofSeconds(1))) {
      long started = System.nanoTime();
      ExchangeGuard.CutOff cut =
          assertThrows(
              ExchangeGuard.CutOff.class, () -> loopback.guard.send(get(server, "/v2/", Map.of())));
      assertEquals(
          "the answer took longer than 1 s in all (the registry sends too slowly)",
          cut.getMessage());
      assertTrue((System.nanoTime() - started) / 1_000_000 < 5_000);
    }
  }

  @Test
  void nothingIsSentOnceTheDeadlineHasPassed() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    Deadline passed =
        new Deadline(
            clock, clock.instant().minusSeconds(1), Duration.ofSeconds(30), Spelling.PLUGIN);
    try (RawHttpServer server =
            new RawHttpServer(RawHttpServer.writing(r -> answer("200 OK", "Content-Length: 0")));
        Loopback loopback = new Loopback(passed, Duration.ofSeconds(10))) {
      ExchangeGuard.CutOff cut =
          assertThrows(
              ExchangeGuard.CutOff.class,
              () -> loopback.throttle.send(get(server, "/v2/", Map.of())));
      assertEquals(
          "the run's deadline of 30 s passed first (raise the timeout setting)", cut.getMessage());
      assertEquals(List.of(), server.seen());
      assertEquals(0, loopback.throttle.answers(), "only answers count");
    }
  }

  @Test
  void aCompressedAnswerIsDecodedAndTheReportSaysSo() throws Exception {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
    }
    try (RawHttpServer server =
            new RawHttpServer(
                (request, out) -> {
                  out.write(
                      answer(
                              "200 OK",
                              "Content-Encoding: gzip",
                              "Content-Length: " + gzipped.size())
                          .getBytes(StandardCharsets.UTF_8));
                  out.write(gzipped.toByteArray());
                });
        Loopback loopback = new Loopback()) {
      HttpResponse r = loopback.guard.send(get(server, "/v2/", Map.of()));
      assertEquals("{\"ok\":true}", new String(r.body(), StandardCharsets.UTF_8));
      assertEquals(
          List.of("the registry sent a gzip-encoded answer though asked for identity; decoded"),
          r.notes());
      assertEquals("identity", server.seen().get(0).header("Accept-Encoding"));
    }
  }
}
