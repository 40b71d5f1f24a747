package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.cli.Main;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.Blob;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiver against a real distribution registry configured to notify it: every push is verified
 * within seconds of landing, a delete re-verifies the tags that reached the deleted digest, a wrong
 * token queues nothing, and a flood is bounded.
 */
class WatchIT {
  private static final String TOKEN = "watch-token-0123456789abcdef";
  private static final int PORT = RegistryFixture.freeLoopbackPort();

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.create()
          .withBlobDescriptorCache()
          .withNotifications("http://127.0.0.1:" + PORT + "/events", TOKEN);

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final StringWriter LOG = new StringWriter();
  private static final List<Thread> RECEIVERS = new ArrayList<>();
  private final ImageSeeder seeder = REGISTRY.seeder();

  @BeforeAll
  static void startReceiver() throws Exception {
    start(PORT, REGISTRY.host(), "500ms", "10000", LOG);
  }

  @AfterAll
  static void stopReceivers() throws Exception {
    for (Thread t : RECEIVERS) {
      t.interrupt();
      t.join(10_000);
    }
  }

  private static void start(
      int port, String registry, String settle, String queue, StringWriter log) throws Exception {
    Path token = Files.createTempFile("watch-token", "");
    Files.writeString(token, TOKEN + "\n");
    String[] args = {
      "watch",
      "--registry",
      registry,
      "--listen",
      "127.0.0.1:" + port,
      "--token-file",
      token.toString(),
      "--settle",
      settle,
      "--queue",
      queue,
      "--retries",
      "0"
    };
    RECEIVERS.add(
        Thread.ofVirtual()
            .start(
                () ->
                    Main.run(
                        args,
                        new Main.Environment(
                            Map.of(),
                            new ByteArrayInputStream(new byte[0]),
                            Clock.systemUTC(),
                            false),
                        new PrintWriter(log, true),
                        new PrintWriter(log, true))));
    waitFor(() -> get(port, "/healthz").equals("ok\n"), "the receiver to start: " + log);
  }

  private static String get(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (Exception e) {
      return "";
    }
  }

  private static int post(int port, String token, String contentType, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("waited 20 s for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** The tag_failures value for a tag, once the receiver has a verdict for it. */
  private static Double tagFailures(int port, String repository, String tag) {
    Matcher m =
        Pattern.compile(
                "registry_manifest_integrity_tag_failures\\{[^}]*repository=\""
                    + Pattern.quote(repository)
                    + "\",tag=\""
                    + Pattern.quote(tag)
                    + "\"} (\\S+)")
            .matcher(get(port, "/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }

  private static double metric(int port, String name) {
    Matcher m =
        Pattern.compile(
                "(?m)^registry_manifest_integrity_" + Pattern.quote(name) + "\\{[^}]*} (\\S+)$")
            .matcher(get(port, "/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double unauthorized(int port) {
    Matcher m =
        Pattern.compile("watch_requests_rejected_total\\{[^}]*reason=\"unauthorized\"} (\\S+)")
            .matcher(get(port, "/metrics"));
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static Duration awaitVerdict(String repository, String tag, Predicate<Double> verdict)
      throws Exception {
    Instant pushed = Instant.now();
    waitFor(
        () -> {
          Double v = tagFailures(PORT, repository, tag);
          return v != null && verdict.test(v);
        },
        repository + ":" + tag + "'s verdict; log:\n" + LOG);
    return Duration.between(pushed, Instant.now());
  }

  @Test
  void aHealthyPushIsVerifiedIntactWithinSecondsOfLanding() throws Exception {
    String repo = REGISTRY.uniqueRepo("healthy");
    seeder.pushImage(repo, ImageSpec.multiPlatform(), "v1");
    Duration took = awaitVerdict(repo, "v1", v -> v == 0);
    assertTrue(took.toSeconds() < 10, "verdict after " + took);
    assertTrue(
        LOG.toString().contains("watch: INTACT " + REGISTRY.host() + "/" + repo + ":v1 -> sha256:"),
        LOG.toString());
    assertTrue(metric(PORT, "watch_push_to_verdict_seconds_count") >= 1);
    assertTrue(metric(PORT, "watch_pushes_verified_total") >= 1);
  }

  @Test
  void theMetricsPassPromtoolsLint() throws Exception {
    String repo = REGISTRY.uniqueRepo("lint");
    seeder.pushImage(repo, ImageSpec.singlePlatform().seed(5), "v1");
    awaitVerdict(repo, "v1", v -> v == 0);
    Path metrics = Files.createTempFile("watch-metrics", ".prom");
    Files.writeString(metrics, get(PORT, "/metrics"));
    Process p =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(metrics.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  @Test
  void aPushThatReusesALayerWhoseDataIsGoneFailsWithinSeconds() throws Exception {
    String repo = REGISTRY.uniqueRepo("reuse");
    SeededImage first = seeder.pushImage(repo, ImageSpec.singlePlatform().seed(77), "v1");
    awaitVerdict(repo, "v1", v -> v == 0);
    Blob layer = first.children().get(0).layers().get(0);
    REGISTRY.deleteBlobData(layer.digest());
    // A client that finds the layer "there" (HEAD answered from the registry's warm cache) does
    // not upload it again; distribution accepts the manifest for the same reason.
    Blob config =
        seeder.pushBlob(
            repo,
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8),
            "application/vnd.oci.image.config.v1+json");
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
            + new com.google.gson.Gson().toJson(config.descriptor())
            + ",\"layers\":["
            + new com.google.gson.Gson().toJson(layer.descriptor())
            + "]}";
    seeder.pushManifest(
        repo,
        "v2",
        "application/vnd.oci.image.manifest.v1+json",
        manifest.getBytes(StandardCharsets.UTF_8));
    Duration took = awaitVerdict(repo, "v2", v -> v >= 1);
    assertTrue(took.toSeconds() < 10, "verdict after " + took);
    assertTrue(
        LOG.toString().contains("watch: FAILED " + REGISTRY.host() + "/" + repo + ":v2"),
        LOG.toString());
    assertTrue(LOG.toString().contains("DATA-MISSING layer"), LOG.toString());
  }

  @Test
  void deletingAChildManifestFailsTheTagsThatReachIt() throws Exception {
    String repo = REGISTRY.uniqueRepo("deleted");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "v1", "stable");
    awaitVerdict(repo, "v1", v -> v == 0);
    awaitVerdict(repo, "stable", v -> v == 0);
    Digest child = image.child("linux/arm64").manifest().digest();
    seeder.deleteManifest(repo, child);
    awaitVerdict(repo, "v1", v -> v >= 1);
    awaitVerdict(repo, "stable", v -> v >= 1);
    // The verdict is on /metrics a moment before its report is in the log.
    waitFor(
        () -> LOG.toString().contains("MISSING manifest linux/arm64 " + child),
        "the report naming the deleted child: " + LOG);
  }

  @Test
  void aWrongOrMissingTokenIsRefusedAndQueuesNothing() throws Exception {
    double before = metric(PORT, "watch_events_total");
    double refused = unauthorized(PORT);
    String envelope =
        "{\"events\":[{\"action\":\"push\",\"target\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"repository\":\"x\",\"tag\":\"forged\"}}]}";
    assertEquals(
        401,
        post(PORT, "not-the-token", Events.MEDIA_TYPE, envelope.getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        401, post(PORT, null, Events.MEDIA_TYPE, envelope.getBytes(StandardCharsets.UTF_8)));
    assertEquals(refused + 2, unauthorized(PORT));
    assertEquals(
        before, metric(PORT, "watch_events_total"), "a refused envelope is not counted as events");
    assertEquals(null, tagFailures(PORT, "x", "forged"));
    assertFalse(LOG.toString().contains("not-the-token"), "a token is never logged");
  }

  @Test
  void aFloodIsBoundedTurnedAwayWith503AndBadRequestsAreRefused() throws Exception {
    int port = RegistryFixture.freeLoopbackPort();
    StringWriter log = new StringWriter();
    // A settle delay longer than the test: nothing drains, so the queue's bound is what is seen.
    start(port, "127.0.0.1:1", "10m", "10", log);
    StringBuilder events = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 50; i++) {
      events
          .append(i == 0 ? "" : ",")
          .append("{\"action\":\"push\",\"target\":{\"mediaType\":")
          .append(
              "\"application/vnd.oci.image.index.v1+json\",\"repository\":\"flood\",\"tag\":\"t")
          .append(i)
          .append("\"}}");
    }
    events.append(
        ",{\"action\":\"push\",\"target\":{\"repository\":\"../../etc\",\"tag\":\"x\"}},42]}");
    long started = System.nanoTime();
    // Full: the registry is told to send the envelope again (it does, until it is taken).
    assertEquals(
        503,
        post(port, TOKEN, Events.MEDIA_TYPE, events.toString().getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        (System.nanoTime() - started) / 1_000_000 < 2000, "the registry is answered at once");
    assertEquals(10, metric(port, "watch_queue_depth"));
    assertEquals(1, metric(port, "watch_events_deferred_total"));
    assertEquals(2, metric(port, "watch_events_skipped_total"));
    assertEquals(415, post(port, TOKEN, "text/plain", "{}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        415,
        post(
            port,
            TOKEN,
            "application/jsonfoo",
            "{\"events\":[]}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        202,
        post(
            port,
            TOKEN,
            Events.MEDIA_TYPE + "; charset=utf-8",
            "{\"events\":[]}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        400, post(port, TOKEN, Events.MEDIA_TYPE, "not json".getBytes(StandardCharsets.UTF_8)));
    assertEquals(
        400,
        post(
            port,
            TOKEN,
            Events.MEDIA_TYPE,
            "{\"events\":[]} trailing".getBytes(StandardCharsets.UTF_8)));
    assertEquals(413, post(port, TOKEN, Events.MEDIA_TYPE, new byte[(1 << 20) + 10]));
  }

  @Test
  void pathsMatchExactlyAndMethodsAreEnforced() throws Exception {
    assertEquals(404, status("POST", "/eventsx"));
    assertEquals(404, status("GET", "/metrics/extra"));
    assertEquals(405, status("POST", "/metrics"));
    assertEquals(405, status("GET", "/events"));
    assertEquals(405, status("DELETE", "/healthz"));
    assertEquals(200, status("HEAD", "/healthz"));
  }

  private static int status(String method, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
