package dev.registryintegrity.watch;

import static dev.registryintegrity.watch.Deliveries.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.model.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each answer of the event endpoints, from a real server on a loopback port. */
class IntakeTest {
  private static final String TOKEN = "intake-token";
  private static final String SECRET = "intake-secret";
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final WatchLog log = new WatchLog(new PrintWriter(out));
  private final WatchMetrics metrics = new WatchMetrics("reg");
  private final DeleteTracking tracking = new DeleteTracking(100);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private PushQueue queue;
  private HttpServer server;

  /** A server with the three endpoints in front of a queue of {@code capacity}. */
  private void start(int capacity, Optional<Journal> journal) throws Exception {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    // No settle delay: what is queued can be taken at once and looked at.
    queue = new PushQueue(clock, Duration.ZERO, capacity);
    VerdictLedger ledger = new VerdictLedger(metrics, journal, tracking, log);
    Intake intake =
        new Intake(
            new Receiving(queue, ledger, tracking, metrics, journal, clock, log, stopping::get));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    EventEndpoint.all(Optional.of(TOKEN), Optional.of(SECRET))
        .forEach(endpoint -> intake.route(server, endpoint));
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private HttpResponse<String> post(String path, String contentType, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Distribution's envelope with its token. */
  private HttpResponse<String> notify(String action, String target) throws Exception {
    return post(
        "/events",
        Events.MEDIA_TYPE,
        bytes(Deliveries.envelope(action, "app", target)),
        "Authorization",
        "Bearer " + TOKEN);
  }

  private String metric(String sample) {
    return Exposed.value(metrics.render(queue.size(), NOW.getEpochSecond()), sample);
  }

  private static void assertAnswer(int status, String body, HttpResponse<String> response) {
    assertEquals(status + " " + body, response.statusCode() + " " + response.body());
  }

  @Test
  void aPushedTagIsJournaledAndQueuedBeforeItsSenderHears202() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      start(10, Optional.of(journal));
      assertAnswer(202, "accepted\n", notify("push", "v1"));
      assertEquals(1, queue.size());
    }
    assertEquals(
        List.of(new Journal.Accepted("app", "v1", NOW)), Journal.open(dir, 100).state().pending());
    assertEquals("1", metric("watch_events_total{instance=\"reg\",action=\"push\"}"));
    assertEquals(
        "1", metric("watch_requests_total{instance=\"reg\",endpoint=\"/events\",code=\"202\"}"));
  }

  @Test
  void aStoppingReceiverAnswers503WithRetryAfterAndTakesNothing() throws Exception {
    start(10, Optional.empty());
    stopping.set(true);
    HttpResponse<String> answer = notify("push", "v1");
    assertAnswer(503, "stopping\n", answer);
    assertEquals(Optional.of("5"), answer.headers().firstValue("Retry-After"));
    assertEquals(0, queue.size());
  }

  @Test
  void aMediaTypeItsSenderDoesNotPostIs415NamingWhatToSendCountedAndLogged() throws Exception {
    start(10, Optional.empty());
    String expected =
        "expected application/vnd.docker.distribution.events.v1+json or"
            + " application/vnd.docker.distribution.events.v2+json";
    assertAnswer(415, expected + "\n", post("/events", "text/plain", bytes("{}")));
    assertAnswer(
        415,
        "expected application/json\n",
        post("/events/harbor", "application/x-www-form-urlencoded", bytes("payload={}")));
    assertEquals(
        "2", metric("watch_requests_rejected_total{instance=\"reg\",reason=\"media-type\"}"));
    assertTrue(
        out.toString().startsWith("watch: refused POST /events from 127.0.0.1: 415 " + expected),
        out.toString());
  }

  @Test
  void aBodyOverOneMebibyteIs413() throws Exception {
    start(10, Optional.empty());
    assertAnswer(
        413,
        "a body over 1 MiB is not an event\n",
        post("/events", Events.MEDIA_TYPE, new byte[Intake.MAX_BODY + 1]));
    assertEquals(
        "1", metric("watch_requests_rejected_total{instance=\"reg\",reason=\"too-large\"}"));
  }

  @Test
  void aFormWithoutItsPayloadIs400BeforeItsSignatureIsAskedFor() throws Exception {
    start(10, Optional.empty());
    HttpResponse<String> answer =
        post("/events/forgejo", "application/x-www-form-urlencoded", bytes("other=1"));
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().contains("no 'payload' field"), answer.body());
    assertEquals(
        "1", metric("watch_requests_rejected_total{instance=\"reg\",reason=\"malformed\"}"));
  }

  @Test
  void aSenderThatCannotProveItselfIs401AndQueuesNothing() throws Exception {
    start(10, Optional.empty());
    byte[] envelope = bytes(Deliveries.envelope("push", "app", "v1"));
    assertAnswer(
        401,
        "unauthorized\n",
        post("/events", Events.MEDIA_TYPE, envelope, "Authorization", "Bearer wrong"));
    byte[] forgejo = bytes(Deliveries.forgejo("container"));
    assertEquals(
        401,
        post(
                "/events/forgejo",
                "application/json",
                forgejo,
                "X-Forgejo-Event",
                "package",
                "X-Forgejo-Signature",
                Deliveries.hmac(forgejo, "wrong"))
            .statusCode());
    assertAnswer(
        401,
        "unauthorized\n",
        post(
            "/events/harbor",
            "application/json",
            bytes(Deliveries.harbor("PUSH_ARTIFACT")),
            "Authorization",
            TOKEN));
    assertEquals(0, queue.size());
    assertEquals(
        "3", metric("watch_requests_rejected_total{instance=\"reg\",reason=\"unauthorized\"}"));
  }

  @Test
  void aPayloadThatIsNotItsSendersFormatIs400AndAnEventItShouldNotSendIsUnknown() throws Exception {
    start(10, Optional.empty());
    assertAnswer(
        400,
        "the body is not JSON\n",
        post("/events", Events.MEDIA_TYPE, bytes("{"), "Authorization", "Bearer " + TOKEN));
    assertAnswer(
        400,
        "Harbor event type 'INVENTED' is not one Harbor sends\n",
        post(
            "/events/harbor",
            "application/json",
            bytes(Deliveries.harbor("INVENTED")),
            "Authorization",
            SECRET));
    assertEquals(
        "1", metric("watch_requests_rejected_total{instance=\"reg\",reason=\"malformed\"}"));
    assertEquals(
        "1", metric("watch_requests_rejected_total{instance=\"reg\",reason=\"unknown-event\"}"));
  }

  @Test
  void aRefusalIsLoggedInOneEscapedLine() throws Exception {
    start(10, Optional.empty());
    String forged = "X\\nwatch: INTACT reg/app:v1";
    post(
        "/events/harbor",
        "application/json",
        bytes(Deliveries.harbor(forged)),
        "Authorization",
        SECRET);
    assertEquals(
        List.of(
            "watch: refused POST /events/harbor from 127.0.0.1: 400 Harbor event type"
                + " 'X\\x0awatch: INTACT reg/app:v1' is not one Harbor sends"),
        out.toString().lines().toList());
  }

  @Test
  void aSignedFormDeliveryAboutAnotherPackageTypeIsAnswered200AndIgnored() throws Exception {
    start(10, Optional.empty());
    String json = Deliveries.forgejo("npm");
    HttpResponse<String> answer =
        post(
            "/events/forgejo",
            "application/x-www-form-urlencoded",
            bytes("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)),
            "X-Gitea-Event",
            "package",
            "X-Gitea-Signature",
            Deliveries.hmac(bytes(json), SECRET));
    assertAnswer(200, "ignored: not a container image\n", answer);
    assertEquals("1", metric("watch_events_ignored_total{instance=\"reg\"}"));
    assertEquals(0, queue.size());
  }

  @Test
  void aFullQueueAnswers503WithRetryAfter() throws Exception {
    start(1, Optional.empty());
    assertAnswer(202, "accepted\n", notify("push", "v1"));
    // The tag it holds is still taken: one check per tag, however many events name it.
    assertAnswer(202, "accepted\n", notify("push", "v1"));
    HttpResponse<String> full = notify("push", "v2");
    assertAnswer(503, "queue full: send again later\n", full);
    assertEquals(Optional.of("5"), full.headers().firstValue("Retry-After"));
    assertEquals("1", metric("watch_events_deferred_total{instance=\"reg\"}"));
    assertEquals(1, queue.size());
  }

  @Test
  void aJournalThatCannotBeWrittenAnswers503SoTheSenderSendsAgain() throws Exception {
    Journal journal = Journal.open(dir, 100);
    journal.close();
    start(10, Optional.of(journal));
    HttpResponse<String> answer = notify("push", "v1");
    assertAnswer(503, "cannot record the checks: send again later\n", answer);
    assertEquals(Optional.empty(), answer.headers().firstValue("Retry-After"));
    assertTrue(out.toString().startsWith("watch: cannot write the journal ("), out.toString());
    assertTrue(out.toString().strip().endsWith("): answering 503"), out.toString());
  }

  @Test
  void aDeletedDigestQueuesTheTagsThatReachedItAndADeletedTagIsForgotten() throws Exception {
    start(10, Optional.empty());
    Digest child = Images.digest("child manifest");
    tracking.reached(new TagKey("app", "v1"), Set.of(child));
    tracking.reached(new TagKey("app", "v2"), Set.of(child));
    assertAnswer(202, "accepted\n", notify("delete", "v2"));
    assertEquals(
        "watch: app:v2 deleted (the registry's tag delete event): its series are removed",
        out.toString().strip());
    assertAnswer(202, "accepted\n", notify("delete", child.toString()));
    assertEquals(1, queue.size());
    assertEquals(
        List.of("v1"),
        queue.takeBatch(Duration.ZERO).stream().map(PushQueue.Pending::tag).toList());
  }
}
