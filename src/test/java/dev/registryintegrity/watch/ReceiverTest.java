package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver whole, wired and running on a loopback port, with a stand-in registry walk. */
class ReceiverTest {
  private static final String TOKEN = "receiver-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final List<String> pushed = new CopyOnWriteArrayList<>();
  private final FakeRegistry registry = new FakeRegistry();
  private Receiver receiver;

  private Receiver start(Duration settle, Optional<Journal> journal) throws IOException {
    receiver =
        new Receiver(
            new Receiver.Settings(
                new InetSocketAddress("127.0.0.1", 0),
                Optional.of(TOKEN),
                Optional.empty(),
                settle,
                1,
                10,
                100,
                WatchMetrics.SeriesLimit.defaults()),
            registry,
            new WatchMetrics("reg"),
            Clock.systemUTC(),
            new PrintWriter(out),
            journal,
            pushed::add,
            "watch reg",
            "test");
    return receiver;
  }

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + path));
  }

  private int push(String tag) throws Exception {
    return send(request("/events")
            .header("Content-Type", Events.MEDIA_TYPE)
            .header("Authorization", "Bearer " + TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(Deliveries.envelope("push", "app", tag))))
        .statusCode();
  }

  private String get(String path) throws Exception {
    return send(request(path)).body();
  }

  @Test
  void aPushIsVerifiedAndItsVerdictIsOnMetricsTheStatusPageAndPushed() throws Exception {
    start(Duration.ofMillis(50), Optional.empty());
    assertEquals("ok\n", get("/healthz"));
    assertEquals(202, push("v1"));
    String series = "tag_failures{instance=\"reg\",repository=\"app\",tag=\"v1\"} 0\n";
    Instant giveUp = Instant.now().plusSeconds(10);
    while (!get("/metrics").contains(series)) {
      assertTrue(Instant.now().isBefore(giveUp), "verified within 10 s:\n" + out);
      Thread.sleep(20);
    }
    assertEquals(List.of(List.of("v1")), registry.walks);
    assertTrue(get("/status.json").contains("app:v1"), get("/status.json"));
    assertEquals(1, pushed.size());
    assertTrue(pushed.get(0).contains(series), pushed.get(0));
  }

  @Test
  void aStopKeepsWhatItHasNotVerifiedInTheJournalSaysSoAndTheNextStartQueuesItAgain()
      throws Exception {
    start(Duration.ofMinutes(10), Optional.of(Journal.open(dir, 100)));
    int port = receiver.port();
    assertEquals(202, push("v1"));
    assertEquals(202, push("v2"));
    receiver.close();
    receiver.awaitStop();
    assertEquals(
        List.of(
            "watch: state from "
                + dir.resolve(Journal.FILE)
                + ": 0 tag verdicts, 0 accepted checks queued again",
            "watch: stopping: 2 accepted checks not yet verified are kept in "
                + dir.resolve(Journal.FILE)
                + " and verified at the next start"),
        out.toString().lines().toList());
    assertThrows(
        IOException.class,
        () ->
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString()));
    out.getBuffer().setLength(0);
    start(Duration.ofMinutes(10), Optional.of(Journal.open(dir, 100)));
    assertEquals(
        "watch: state from "
            + dir.resolve(Journal.FILE)
            + ": 0 tag verdicts, 2 accepted checks queued again",
        out.toString().strip());
  }

  @Test
  void withoutAJournalAStopSaysOnceThatWhatIsLeftIsLost() throws Exception {
    start(Duration.ofMinutes(10), Optional.empty());
    assertEquals(202, push("v1"));
    receiver.close();
    receiver.close();
    assertEquals(
        List.of("watch: stopping: 1 accepted checks not yet verified are lost (no --state-dir)"),
        out.toString().lines().toList());
  }
}
