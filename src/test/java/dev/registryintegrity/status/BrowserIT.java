package dev.registryintegrity.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReceiverProcess;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status pages in a real browser (Debian's headless Chromium): a probe server and a receiver
 * against a real registry where a tag's child manifest was deleted. The DOM Chromium builds must
 * name the broken tag and the missing digest, and the screenshot must show the page's own
 * stylesheet applied under its Content-Security-Policy (the verdict's red).
 */
class BrowserIT {
  private static final String TOKEN = "browser-token-0123456789abcdef";
  private static final int RECEIVER_PORT = RegistryFixture.freeLoopbackPort();

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.create()
          .withNotifications("http://127.0.0.1:" + RECEIVER_PORT + "/events", TOKEN);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void aBrokenTagAndItsMissingDigestShowInTheBrowserOnBothPages() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    try (ReceiverProcess receiver =
        ReceiverProcess.start(RECEIVER_PORT, REGISTRY.host(), token, "--settle", "200ms")) {
      ImageSeeder seeder = REGISTRY.seeder();
      SeededImage web = seeder.pushImage("shop/web", ImageSpec.multiPlatform(), "v1");
      seeder.pushImage("shop/api", ImageSpec.singlePlatform(), "v1", "v2");
      receiver.await(
          () -> receiver.tagFailures("shop/web", "v1").isPresent(),
          Duration.ofSeconds(30),
          "the push's verdict");
      Digest child = web.child("linux/arm64").manifest().digest();
      seeder.deleteManifest("shop/web", child);
      receiver.await(
          () -> receiver.tagFailures("shop/web", "v1").orElse(0) >= 1,
          Duration.ofSeconds(30),
          "the delete's verdict");

      int probePort = RegistryFixture.freeLoopbackPort();
      Process probe = startProbeServer(probePort);
      try {
        awaitFirstRun(probePort, probe);
        String probeDom = dom(probePort);
        assertShowsBrokenTag(probeDom, child);
        assertTrue(probeDom.contains("shop/api"), "every repository has a row: " + probeDom);
        String receiverDom = dom(RECEIVER_PORT);
        assertShowsBrokenTag(receiverDom, child);
        assertTrue(receiverDom.contains("shop/api:v2"), "every tag has a row: " + receiverDom);

        Path shot = Path.of("target/status-page.png");
        screenshot(probePort, shot);
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(
            0xcf222e,
            image.getRGB(8, 8) & 0xffffff,
            "the header is the broken red: the stylesheet loaded under the page's CSP");
        screenshot(RECEIVER_PORT, Path.of("target/receiver-status-page.png"));
      } finally {
        probe.destroyForcibly();
        probe.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assertShowsBrokenTag(String dom, Digest child) {
    assertTrue(dom.contains("<h1>BROKEN</h1>"), dom);
    String problems = dom.substring(dom.indexOf("id=\"problems\""));
    assertTrue(problems.contains(REGISTRY.host() + "/shop/web:v1"), dom);
    assertTrue(problems.contains(child.toString()), "the missing child's digest: " + dom);
    assertTrue(
        dom.indexOf("id=\"problems\"") < dom.indexOf("<table>"), "failures before the table");
  }

  private Process startProbeServer(int port) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    String jar = System.getProperty("project.jar", "target/registry-integrity.jar");
    return new ProcessBuilder(
            java,
            "-jar",
            jar,
            "probe",
            "--registry",
            REGISTRY.host(),
            "--plain-http",
            "--listen",
            "127.0.0.1:" + port,
            "--interval",
            "1h")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("probe.log").toFile())
        .start();
  }

  private void awaitFirstRun(int port, Process probe) throws Exception {
    Instant giveUp = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(giveUp) && probe.isAlive()) {
      try {
        String json =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status.json"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        if (json.contains("\"lastRun\"")) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // the server is not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no probe run on the status page: " + Files.readString(dir.resolve("probe.log")));
  }

  private String dom(int port) throws Exception {
    return chromium("--dump-dom", "http://127.0.0.1:" + port + "/");
  }

  private void screenshot(int port, Path file) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    chromium(
        "--screenshot=" + file.toAbsolutePath(),
        "--window-size=1100,760",
        "--hide-scrollbars",
        "http://127.0.0.1:" + port + "/");
    assertTrue(Files.size(file) > 10_000, "a screenshot of the page: " + file);
  }

  /** Headless Chromium as root in a container: no sandbox, a profile of its own, no GPU. */
  private String chromium(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(dir, "chromium", ".err");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(err));
    return out;
  }
}
