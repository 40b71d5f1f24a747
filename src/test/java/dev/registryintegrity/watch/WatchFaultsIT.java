package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReceiverProcess;
import dev.registryintegrity.fixture.RegistryFixture;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver treated as production treats it, against a real registry that notifies it and a real
 * process: SIGKILL and SIGTERM with accepted checks queued, a restart on the same state directory,
 * the registry down and back, a breaking delete after a restart, an image deleted on purpose, a
 * flood into a small queue, a client that trickles its request.
 */
class WatchFaultsIT {
  private static final String TOKEN = "fault-token-0123456789abcdef";
  private static final int PORT = RegistryFixture.freeLoopbackPort();
  private static final int TAGS = 12;

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.create().withNotifications("http://127.0.0.1:" + PORT + "/events", TOKEN);

  private static Path token;
  @TempDir Path state;
  private ReceiverProcess receiver;
  private final ImageSeeder seeder = REGISTRY.seeder();

  @BeforeAll
  static void token() throws Exception {
    token = Files.createTempFile("fault-token", "");
    Files.writeString(token, TOKEN + "\n");
  }

  @AfterEach
  void stop() throws Exception {
    if (receiver != null) {
      receiver.close();
    }
  }

  private ReceiverProcess start(String registry, String... extra) throws Exception {
    receiver = ReceiverProcess.start(PORT, registry, token, extra);
    return receiver;
  }

  private List<String> pushTags(String repo) throws Exception {
    SeededImage image = seeder.pushImage(repo, ImageSpec.singlePlatform(), "t0");
    List<String> tags = IntStream.range(0, TAGS).mapToObj(i -> "t" + i).toList();
    for (String tag : tags.subList(1, tags.size())) {
      seeder.pushManifest(repo, tag, image.top("t0").mediaType(), manifestOf(repo, "t0"));
    }
    return tags;
  }

  /** The bytes of a tag's manifest, to tag them again (a retag, one push event each). */
  private static byte[] manifestOf(String repo, String tag) throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(
                            REGISTRY.baseUri() + "/v2/" + repo + "/manifests/" + tag))
                    .header("Accept", "application/vnd.oci.image.manifest.v1+json")
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    return response.body();
  }

  private void awaitQueued(int n) throws InterruptedException {
    receiver.await(
        () -> receiver.metric("watch_queue_depth", "").orElse(0) >= n,
        Duration.ofSeconds(30),
        n + " checks queued");
  }

  private void awaitAllVerified(String repo, List<String> tags, double failures)
      throws InterruptedException {
    for (String tag : tags) {
      receiver.await(
          () -> receiver.tagFailures(repo, tag).equals(OptionalDouble.of(failures)),
          Duration.ofSeconds(60),
          repo + ":" + tag + " verified with " + failures + " failures");
    }
  }

  @Test
  void killNineWithAcceptedChecksQueuedLosesNoneOfThem() throws Exception {
    // A settle delay longer than the test: every accepted check is still queued at the kill.
    start(REGISTRY.host(), "--settle", "10m", "--state-dir", state.toString());
    List<String> tags = pushTags("crash/kill");
    awaitQueued(TAGS);
    receiver.kill();
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    assertTrue(receiver.log().contains(TAGS + " accepted checks queued again"), receiver.log());
    awaitAllVerified("crash/kill", tags, 0);
  }

  @Test
  void sigtermFinishesOrKeepsWhatIsQueuedAndSaysSo() throws Exception {
    start(REGISTRY.host(), "--settle", "10m", "--state-dir", state.toString());
    List<String> tags = pushTags("crash/term");
    awaitQueued(TAGS);
    ReceiverProcess stopping = receiver;
    stopping.terminate();
    assertTrue(
        stopping
            .log()
            .contains(
                "stopping: "
                    + TAGS
                    + " accepted checks not yet verified are kept in "
                    + state.resolve("journal.log")),
        stopping.log());
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    awaitAllVerified("crash/term", tags, 0);
  }

  @Test
  void withoutAStateDirectoryTheLossIsSaidAtStartAndAtStop() throws Exception {
    start(REGISTRY.host(), "--settle", "10m");
    assertTrue(receiver.log().contains("no --state-dir: a restart or crash loses"), receiver.log());
    pushTags("crash/memory");
    awaitQueued(TAGS);
    ReceiverProcess stopping = receiver;
    stopping.terminate();
    assertTrue(
        stopping
            .log()
            .contains(
                "stopping: "
                    + TAGS
                    + " accepted checks not yet verified are lost (no --state-dir)"),
        stopping.log());
  }

  @Test
  void verdictsAndDeleteTrackingSurviveARestartAndABreakingDeleteAfterItFails() throws Exception {
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    SeededImage image = seeder.pushImage("crash/tracked", ImageSpec.multiPlatform(), "v1");
    awaitAllVerified("crash/tracked", List.of("v1"), 0);
    receiver.terminate();
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    assertEquals(
        OptionalDouble.of(0),
        receiver.tagFailures("crash/tracked", "v1"),
        "the verdict survived: " + receiver.log());
    // Distribution sends only the digest of a deleted manifest: the restored tracking maps it to
    // v1.
    seeder.deleteManifest("crash/tracked", image.child("linux/arm64").manifest().digest());
    receiver.await(
        () -> receiver.tagFailures("crash/tracked", "v1").orElse(0) >= 1,
        Duration.ofSeconds(30),
        "the breaking delete to fail v1");
    receiver.kill();
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    assertTrue(
        receiver.tagFailures("crash/tracked", "v1").orElse(0) >= 1,
        "the failing verdict (the alert's input) survives a crash: " + receiver.get("/metrics"));
  }

  @Test
  void aCheckMadeWhileTheRegistryIsDownIsRetriedUntilItIsMade() throws Exception {
    start(REGISTRY.host(), "--settle", "1s", "--state-dir", state.toString());
    seeder.pushImage("crash/down", ImageSpec.singlePlatform(), "v1");
    awaitQueued(1);
    REGISTRY.stopRegistry();
    try {
      receiver.await(
          () -> receiver.metric("tag_unchecked", "tag=\"v1\"").equals(OptionalDouble.of(1)),
          Duration.ofSeconds(30),
          "v1 unchecked while the registry is down");
      receiver.await(
          () -> receiver.metric("watch_checks_retried_total", "").orElse(0) >= 2,
          Duration.ofSeconds(30),
          "retries to be counted");
    } finally {
      REGISTRY.startRegistry();
    }
    receiver.await(
        () -> receiver.metric("tag_unchecked", "tag=\"v1\"").equals(OptionalDouble.of(0)),
        Duration.ofSeconds(90),
        "v1 checked once the registry is back");
    assertEquals(OptionalDouble.of(0), receiver.tagFailures("crash/down", "v1"));
  }

  @Test
  void anImageDeletedOnPurposeClearsItsSeriesWithoutAnAlert() throws Exception {
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    SeededImage image = seeder.pushImage("crash/retired", ImageSpec.multiPlatform(), "v1");
    awaitAllVerified("crash/retired", List.of("v1"), 0);
    // distribution sends the digest's delete (v1 reached it: re-checked), then the tag's.
    seeder.deleteManifest("crash/retired", image.top("v1").digest());
    receiver.await(
        () -> receiver.metric("watch_tags_gone_total", "").equals(OptionalDouble.of(1)),
        Duration.ofSeconds(30),
        "the re-check to find v1 gone");
    assertTrue(
        receiver.log().contains("crash/retired:v1 is gone (manifest unknown, not in tags/list)"),
        receiver.log());
    assertTrue(
        receiver.tagFailures("crash/retired", "v1").isEmpty(),
        "no failing series for a deleted image");
    assertFalse(receiver.log().contains("FAILED"), receiver.log());
    receiver.kill();
    start(REGISTRY.host(), "--settle", "200ms", "--state-dir", state.toString());
    assertTrue(
        receiver.tagFailures("crash/retired", "v1").isEmpty(), "forgotten across a restart too");
  }

  @Test
  void aFloodIntoASmallQueueIsTurnedAwayAndResentNothingAcceptedIsLost() throws Exception {
    start(
        REGISTRY.host(),
        "--settle",
        "300ms",
        "--queue",
        "2",
        "--workers",
        "1",
        "--state-dir",
        state.toString());
    List<String> tags = pushTags("crash/flood");
    awaitAllVerified("crash/flood", tags, 0);
    assertTrue(
        receiver.metric("watch_events_deferred_total", "").orElse(0) >= 1,
        receiver.get("/metrics"));
  }

  @Test
  void aClientThatTricklesItsRequestIsCutWithinSeconds() throws Exception {
    start(REGISTRY.host(), "--settle", "200ms");
    long started = System.nanoTime();
    byte[] request =
        ("POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"
                + "\r\n{\"events\":[")
            .getBytes(StandardCharsets.US_ASCII);
    boolean cut = false;
    try (Socket socket = new Socket("127.0.0.1", PORT)) {
      // One byte every 200 ms (the read's timeout paces it), headers first, then the body.
      socket.setSoTimeout(200);
      OutputStream out = socket.getOutputStream();
      for (int i = 0; !cut && (System.nanoTime() - started) < 30_000_000_000L; i++) {
        try {
          out.write(request[Math.min(i, request.length - 1)]);
          out.flush();
          socket.getInputStream().read();
          cut = true;
        } catch (java.net.SocketTimeoutException stillOpen) {
          // the server is still waiting for the rest
        } catch (java.io.IOException closed) {
          cut = true;
        }
      }
    }
    assertTrue(cut, "the server kept the trickling connection for 30 s");
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertTrue(seconds <= 15, "a trickling client held the connection " + seconds + " s");
    assertFalse(receiver.log().contains("Exception"), receiver.log());
  }
}
