package dev.registryintegrity.transport;

import static dev.registryintegrity.fixture.HostileRegistry.headers;
import static dev.registryintegrity.fixture.HostileRegistry.quote;
import static dev.registryintegrity.fixture.HostileRegistry.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.HostileRegistry;
import dev.registryintegrity.model.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry that lies, drips, loops and bombs. Every case ends in exit 1 (the answer is a broken
 * image) or 3 (the check could not be made), with a one-line reason, in bounded time, without a
 * stack trace, a secret, an escape character or a line that looks like our verdict.
 */
class HostileRegistryIT {
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String FORGED =
      "\u001b[32m\r\nINTACT: 1 image, 3 digests: 3 intact, 0 failed, 0 unchecked\u0007\u202e";
  private static final String SECRET = "hostile-S3cret-pass";

  private HostileRegistry registry;

  @BeforeEach
  void start() throws Exception {
    registry = new HostileRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
  }

  private String ref(String repoAndTag) {
    return registry.host() + "/" + repoAndTag;
  }

  private static Cli.Run verify(String... args) {
    List<String> all = new ArrayList<>(List.of("verify", "--color", "never", "--retries", "1"));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  /** What every hostile case must keep, whatever else it asserts. */
  private static void assertContained(Cli.Run run) {
    String all = run.all();
    assertFalse(all.contains("\tat "), "stack trace:\n" + all);
    assertFalse(all.contains(SECRET), "secret printed:\n" + all);
    for (char c : all.toCharArray()) {
      boolean control =
          (c < 0x20 && c != '\n')
              || c == 0x7f
              || (c >= 0x80 && c <= 0x9f)
              || c == 0x202e
              || c == 0x2028;
      assertFalse(
          control, String.format("control character U+%04X reached the output:%n%s", (int) c, all));
    }
    assertTrue(
        all.lines().filter(l -> l.startsWith("INTACT")).count() <= 1,
        "a forged verdict line:\n" + all);
    assertFalse(
        all.toLowerCase().contains("gson")
            || all.contains("Troubleshooting")
            || all.contains("org.apache"),
        "library text in the output:\n" + all);
  }

  private String image(String repo, String platformOs, String... tags) {
    Digest config = registry.blob(repo, "{}".getBytes(StandardCharsets.UTF_8));
    Digest layer = registry.blob(repo, "layer".getBytes(StandardCharsets.UTF_8));
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
        + "\"digest\":\""
        + config
        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
        + "\"digest\":\""
        + layer
        + "\",\"size\":5}]}";
  }

  @Test
  void forgedTextInEveryFieldTheRegistryControlsIsShownEscaped() {
    String child = image("app", "linux");
    Digest good = registry.manifest("app", OCI_MANIFEST, child);
    Digest gone = Digest.sha256Of("gone".getBytes(StandardCharsets.UTF_8));
    registry.on(
        "/v2/app/manifests/" + gone,
        (request, out) ->
            write(
                out,
                request,
                404,
                headers("Content-Type", "application/json"),
                HostileRegistry.error("MANIFEST_UNKNOWN" + FORGED, "gone" + FORGED)));
    String platform =
        "{\"os\":"
            + quote("linux" + FORGED)
            + ",\"architecture\":"
            + quote("amd64" + FORGED)
            + ",\"variant\":"
            + quote("v8" + FORGED)
            + "}";
    registry.manifest(
        "app",
        OCI_INDEX,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_INDEX
            + "\",\"manifests\":["
            + "{\"mediaType\":"
            + quote(OCI_MANIFEST + FORGED)
            + ",\"digest\":\""
            + good
            + "\",\"size\":"
            + child.length()
            + ",\"platform\":"
            + platform
            + ",\"annotations\":{\"x\":"
            + quote(FORGED)
            + "}},"
            + "{\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"digest\":\""
            + gone
            + "\",\"size\":4,\"platform\":"
            + platform
            + "}]}",
        "v1");

    Cli.Run run = verify(ref("app:v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertContained(run);
    assertTrue(run.out().contains("linux\\x1b[32m\\x0d\\x0aINTACT: 1 image"), run.out());
    assertTrue(run.out().contains("\\u202e"), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("FAIL: 1 image")), run.out());
    // The JSON report keeps the exact values.
    Cli.Run json = verify("--format", "json", ref("app:v1"));
    assertTrue(json.json().toString().contains("\\u001b[32m"), json.out());
  }

  @Test
  void markupFromTheRegistryIsShownAsTextOnTheStatusPage() throws Exception {
    String markup = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    String child = image("app", "linux");
    Digest gone = Digest.sha256Of("gone".getBytes(StandardCharsets.UTF_8));
    registry
        .json(
            "/v2/app/manifests/" + gone,
            404,
            HostileRegistry.error("MANIFEST_UNKNOWN", markup + FORGED))
        .json("/v2/_catalog", 200, "{\"repositories\":[\"app\"]}".getBytes(StandardCharsets.UTF_8))
        .json(
            "/v2/app/tags/list",
            200,
            "{\"name\":\"app\",\"tags\":[\"v1\"]}".getBytes(StandardCharsets.UTF_8));
    registry.manifest(
        "app",
        OCI_INDEX,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_INDEX
            + "\",\"manifests\":[{\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"digest\":\""
            + gone
            + "\",\"size\":4,\"platform\":{\"os\":"
            + quote(markup)
            + ",\"architecture\":\"amd64\"}}]}",
        "v1");
    registry.manifest("app", OCI_MANIFEST, child);
    int port = dev.registryintegrity.fixture.RegistryFixture.freeLoopbackPort();
    java.io.StringWriter log = new java.io.StringWriter();
    String[] args = {
      "probe", "--registry", registry.host(), "--listen", "127.0.0.1:" + port, "--interval", "1h"
    };
    Thread server =
        Thread.ofVirtual()
            .start(
                () ->
                    dev.registryintegrity.cli.Main.run(
                        args,
                        new dev.registryintegrity.cli.Main.Environment(
                            Map.of(), System.in, java.time.Clock.systemUTC(), false),
                        new java.io.PrintWriter(log),
                        new java.io.PrintWriter(log)));
    try {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String json = "";
      for (int i = 0; i < 300 && !json.contains("\"lastRun\""); i++) {
        Thread.sleep(100);
        try {
          json = get(http, port, "/status.json");
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
      }
      assertTrue(json.contains("\"lastRun\""), "no run on the status page: " + log);
      String page = get(http, port, "/");
      assertTrue(page.contains("<h1>BROKEN</h1>"), page);
      assertFalse(page.contains("<img"), page);
      assertFalse(page.contains("<script"), page);
      assertTrue(page.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), page);
      assertTrue(page.contains("\\x1b[32m"), "control characters shown as escapes: " + page);
      for (char c : page.toCharArray()) {
        assertFalse(c < 0x20 && c != '\n', "a control character reached the page: " + page);
      }
      // The JSON carries the registry's text as it came, for programs.
      assertTrue(json.contains("<script>alert(2)</script>"), json);
    } finally {
      server.interrupt();
      server.join(10_000);
    }
  }

  private static String get(java.net.http.HttpClient http, int port, String path) throws Exception {
    return http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void aRegistryThatDripsOneByteEveryTwoSecondsCannotOutliveTheDeadline() {
    registry.on(
        "/v2/slow/manifests/v1",
        (request, out) -> {
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: "
                      + OCI_MANIFEST
                      + "\r\nContent-Length: 100000\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          for (int i = 0; i < 1000; i++) {
            out.write('{');
            out.flush();
            Thread.sleep(2000);
          }
        });
    long started = System.nanoTime();
    Cli.Run run = verify("--timeout", "4s", ref("slow:v1"));
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(seconds <= 6, "--timeout 4s took " + seconds + " s");
    assertTrue(run.out().contains("deadline of 4 s passed"), run.out());
    assertContained(run);
  }

  @Test
  void aRedirectLoopIsPermanentAndNotRetried() {
    String child = image("loop", "linux");
    Digest manifest = registry.manifest("loop", OCI_MANIFEST, child, "v1");
    Digest layer = Digest.sha256Of("layer".getBytes(StandardCharsets.UTF_8));
    AtomicInteger hits = new AtomicInteger();
    registry.on(
        "/v2/loop/blobs/" + layer,
        (request, out) -> {
          hits.incrementAndGet();
          write(out, request, 302, headers("Location", "/v2/loop/blobs/" + layer), new byte[0]);
        });
    Cli.Run run = verify("--retries", "3", "--format", "json", ref("loop:v1"));
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(
        hits.get() <= 6, hits.get() + " requests for one digest: a redirect loop was retried");
    assertTrue(run.out().contains("a redirect loop"), run.out());
    assertTrue(manifest != null);
  }

  @Test
  void aGzipBombCostsNoMoreThanTheManifestLimitAndAnHonestGzipAnswerIsDecoded() throws Exception {
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        gzip.write(zeros);
      }
    }
    byte[] compressed = bomb.toByteArray();
    registry.on(
        "/v2/bomb/manifests/v1",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers("Content-Type", OCI_MANIFEST, "Content-Encoding", "gzip"),
                compressed));
    Cli.Run run = verify("--format", "json", ref("bomb:v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertTrue(run.out().contains("manifest body is over 4194304 bytes"), run.out());

    String child = image("zipped", "linux");
    ByteArrayOutputStream honest = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(honest)) {
      gzip.write(child.getBytes(StandardCharsets.UTF_8));
    }
    Digest digest = Digest.sha256Of(child.getBytes(StandardCharsets.UTF_8));
    registry.on(
        "/v2/zipped/manifests/v1",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers(
                    "Content-Type",
                    OCI_MANIFEST,
                    "Content-Encoding",
                    "gzip",
                    "Docker-Content-Digest",
                    digest.toString()),
                honest.toByteArray()));
    Cli.Run decoded = verify("--log-level", "debug", ref("zipped:v1"));
    assertEquals(0, decoded.exitCode(), decoded.all());
    assertTrue(
        decoded.out().contains("gzip-encoded answer though asked for identity; decoded"),
        decoded.out());
    assertContained(decoded);
  }

  @Test
  void wrongJsonTypesNegativeAndHugeSizesAndBadDigestsAreNamedByField() {
    Digest some = Digest.sha256Of("x".getBytes(StandardCharsets.UTF_8));
    Map<String, String> cases =
        Map.of(
            "types",
                "{\"schemaVersion\":2,\"mediaType\":\""
                    + OCI_INDEX
                    + "\",\"manifests\":[{\"digest\":\""
                    + some
                    + "\",\"size\":\"12\"}]}",
            "negative",
                "{\"schemaVersion\":2,\"mediaType\":\""
                    + OCI_INDEX
                    + "\",\"manifests\":[{\"digest\":\""
                    + some
                    + "\",\"size\":-1}]}",
            "huge",
                "{\"schemaVersion\":2,\"mediaType\":\""
                    + OCI_INDEX
                    + "\",\"manifests\":[{\"digest\":\""
                    + some
                    + "\",\"size\":1e30}]}",
            "pathlike",
                "{\"schemaVersion\":2,\"mediaType\":\""
                    + OCI_INDEX
                    + "\",\"manifests\":[{\"digest\":\"sha256:../../etc/passwd\",\"size\":1}]}",
            "algorithm",
                "{\"schemaVersion\":2,\"mediaType\":\""
                    + OCI_INDEX
                    + "\",\"manifests\":[{\"digest\":\"md5:0cc175b9c0f1b6a831c399e269772661\",\"size\":1}]}",
            "notjson", "{\"schemaVersion\":2,\"manifests\":[",
            "deep", "[".repeat(5000) + "]".repeat(5000));
    Map<String, String> expected =
        Map.of(
            "types", "manifests[0].size is a string, expected a number",
            "negative", "manifests[0].size is -1: a size cannot be negative",
            "huge", "manifests[0].size is 1e30, expected a whole number of bytes",
            "pathlike", "manifests[0].digest: digest 'sha256:../../etc/passwd' is malformed",
            "algorithm",
                "digest 'md5:0cc175b9c0f1b6a831c399e269772661' uses algorithm 'md5', which is not supported",
            "notjson", "body is not valid JSON",
            "deep", "body is not valid JSON (nested deeper than 32 levels)");
    cases.forEach((tag, json) -> registry.manifest("shapes", OCI_INDEX, json, tag));
    for (String tag : cases.keySet()) {
      Cli.Run run = verify(ref("shapes:" + tag));
      assertEquals(1, run.exitCode(), tag + ": " + run.all());
      assertTrue(run.out().contains(expected.get(tag)), tag + ": " + run.out());
      assertContained(run);
    }
  }

  @Test
  void wideAndDeepGraphsAreCutAtTheLimits() {
    Digest some = Digest.sha256Of("x".getBytes(StandardCharsets.UTF_8));
    StringBuilder wide =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[");
    for (int i = 0; i < 10_001; i++) {
      wide.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"")
          .append(some)
          .append("\",\"size\":1}");
    }
    registry.manifest("wide", OCI_INDEX, wide.append("]}").toString(), "v1");
    Cli.Run run = verify(ref("wide:v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertTrue(
        run.out().contains("index lists 10001 manifests, over the limit of 10000"), run.out());

    String inner = image("deep", "linux");
    Digest below = registry.manifest("deep", OCI_MANIFEST, inner);
    long size = inner.length();
    for (int level = 0; level < 12; level++) {
      String index =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + OCI_INDEX
              + "\",\"manifests\":[{\"mediaType\":\""
              + (level == 0 ? OCI_MANIFEST : OCI_INDEX)
              + "\",\"digest\":\""
              + below
              + "\",\"size\":"
              + size
              + "}]}";
      below = registry.manifest("deep", OCI_INDEX, index, level == 11 ? "v1" : "unused" + level);
      size = index.length();
    }
    Cli.Run deep = verify(ref("deep:v1"));
    assertEquals(1, deep.exitCode(), deep.all());
    assertTrue(deep.out().contains("nested deeper than 8 levels; not walked"), deep.out());
    assertContained(deep);
  }

  @Test
  void endlessChallengesAndAMisbehavingTokenEndpointEndInOneLineWithoutTheSecret() {
    AtomicInteger requests = new AtomicInteger();
    registry.always(
        (request, out) -> {
          requests.incrementAndGet();
          if (request.path().startsWith("/token")) {
            write(
                out,
                request,
                200,
                headers("Content-Type", "application/json"),
                ("{\"token\": 42, \"expires_in\": \"soon\"" + FORGED)
                    .getBytes(StandardCharsets.UTF_8));
          } else {
            write(
                out,
                request,
                401,
                headers(
                    "WWW-Authenticate",
                    "Bearer realm=\"http://"
                        + request.header("Host")
                        + "/token\",service=\"x\",scope=\""
                        + FORGED
                        + "\""),
                HostileRegistry.error("UNAUTHORIZED", "no" + FORGED));
          }
        });
    Cli.Run run = verify("--username", "ci", "--password", SECRET, ref("locked:v1"));
    assertEquals(3, run.exitCode(), run.all());
    assertContained(run);
    assertTrue(requests.get() < 20, requests.get() + " requests: the 401s were chased without end");
    assertTrue(run.out().lines().anyMatch(l -> l.startsWith("COULD NOT CHECK")), run.out());
  }

  @Test
  void catalogPaginationThatNeverEndsIsStoppedByTheDeadline(@TempDir Path dir) {
    AtomicInteger page = new AtomicInteger();
    registry.on(
        "/v2/_catalog",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers(
                    "Content-Type",
                    "application/json",
                    "Link",
                    "</v2/_catalog?n=1&last=r" + page.incrementAndGet() + ">; rel=\"next\""),
                ("{\"repositories\":[\"r" + page.get() + "\"]}").getBytes(StandardCharsets.UTF_8)));
    long started = System.nanoTime();
    Cli.Run run =
        Cli.run(
            "probe",
            "--registry",
            registry.host(),
            "--timeout",
            "3s",
            "--textfile",
            dir.resolve("m.prom").toString());
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(seconds <= 5, "probe --timeout 3s took " + seconds + " s");
    assertContained(run);

    // A catalog that names itself as the next page stops at once.
    registry.on(
        "/v2/_catalog",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers(
                    "Content-Type",
                    "application/json",
                    "Link",
                    "</v2/_catalog?n=100>; rel=\"next\""),
                ("{\"repositories\":[" + quote("evil\nrepo" + FORGED) + "]}")
                    .getBytes(StandardCharsets.UTF_8)));
    Cli.Run loop =
        Cli.run(
            "probe",
            "--registry",
            registry.host(),
            "--textfile",
            dir.resolve("loop.prom").toString());
    assertContained(loop);
    assertTrue(loop.exitCode() == 1 || loop.exitCode() == 3, loop.all());
  }

  @Test
  void invalidRepositoryNamesFromTheCatalogAreSkippedWithAWarningAndTheExpositionStaysValid(
      @TempDir Path dir) throws Exception {
    String name = "evil" + FORGED.replace("\r\n", "\n");
    registry.on(
        "/v2/_catalog",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers("Content-Type", "application/json"),
                ("{\"repositories\":[" + quote(name) + "]}").getBytes(StandardCharsets.UTF_8)));
    registry.on(
        "/v2/" + name + "/tags/list",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers(),
                "{\"tags\":[\"v1\"]}".getBytes(StandardCharsets.UTF_8)));
    Path metrics = dir.resolve("m.prom");
    Cli.Run run = Cli.run("probe", "--registry", registry.host(), "--textfile", metrics.toString());
    assertContained(run);
    assertTrue(Files.exists(metrics), run.all());
    assertEquals(3, run.exitCode(), "a repository that could not be checked: " + run.all());
    assertTrue(run.out().contains("which is not a valid repository name: skipped"), run.out());
    String text = Files.readString(metrics);
    for (char c : text.toCharArray()) {
      assertFalse(
          c != '\n' && (c < 0x20 || c == 0x7f || c == 0x202e),
          "control character in the exposition:\n" + text);
    }
    assertFalse(text.lines().anyMatch(l -> l.startsWith("INTACT")), text);
    Process promtool =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(metrics.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, promtool.waitFor(), output);
  }
}
