package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.RegistryFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A self-hoster's path: scripts/publish-image pushes the plugin image's index (linux/amd64 and
 * linux/arm64) into their own registry, attaches its SBOM and verifies it with the tool itself,
 * both platforms and the SBOM required; podman then pulls each platform from there and runs it as a
 * Woodpecker step would (arm64 under emulation), checking its own image.
 */
class PublishImageIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static final String USER = "publisher";
  private static final String PASSWORD = "publish-secret";

  @RegisterExtension
  static final RegistryFixture LOCKED = RegistryFixture.withHtpasswd(USER, PASSWORD);

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;
  private static String published;

  private record Ran(int exitCode, String output) {}

  private static Ran run(List<String> command) throws Exception {
    return run(java.util.Map.of(), command);
  }

  private static Ran run(java.util.Map<String, String> env, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 300 s: " + output);
    }
    return new Ran(p.exitValue(), output);
  }

  @AfterAll
  static void removeLocalCopy() throws Exception {
    if (published != null) {
      run(List.of("podman", "rmi", "--force", published));
    }
  }

  /** The OCI layout image/build-image.sh left beside the podman images: its tag is theirs. */
  private static String layout() {
    String image = PluginContainer.image();
    return "oci:target/plugin-image:" + image.substring(image.lastIndexOf(':') + 1);
  }

  private static Ran step(String platform) throws Exception {
    Ran pull =
        run(
            List.of(
                "podman",
                "pull",
                "--quiet",
                "--tls-verify=false",
                "--platform",
                platform,
                published));
    assertEquals(0, pull.exitCode(), pull.output());
    return run(
        List.of(
            "podman",
            "run",
            "--rm",
            "--platform",
            platform,
            "--network",
            "host",
            "-e",
            "PLUGIN_REPO=" + REGISTRY.host() + "/tools/registry-integrity",
            "-e",
            "PLUGIN_TAGS=1",
            "-e",
            "PLUGIN_PLATFORMS=linux/amd64,linux/arm64",
            "-e",
            "PLUGIN_REQUIRE_ARTIFACT_TYPES=application/vnd.cyclonedx+json",
            "-e",
            "CI=woodpecker",
            "-e",
            "NO_COLOR=1",
            published));
  }

  @Test
  void theIndexPublishedIntoYourOwnRegistryCarriesItsSbomAndEachPlatformRunsAsAStep()
      throws Exception {
    PluginContainer.requireImage();
    published = REGISTRY.host() + "/tools/registry-integrity:1";
    Ran publish = run(List.of("scripts/publish-image", "--from", layout(), published));
    assertEquals(0, publish.exitCode(), publish.output());
    assertTrue(publish.output().contains("added to the referrers fallback tag"), publish.output());
    assertTrue(publish.output().contains("INTACT: 1 image"), publish.output());

    for (String platform : List.of("linux/amd64", "linux/arm64")) {
      Ran step = step(platform);
      assertEquals(0, step.exitCode(), platform + ": " + step.output());
      assertTrue(step.output().contains("(Woodpecker plugin)"), step.output());
      assertTrue(step.output().contains("INTACT: 1 image"), step.output());
    }
  }

  @Test
  void aRegistryThatWantsAPasswordGetsTheLoginsCredentialForThePushTheSbomAndTheCheck()
      throws Exception {
    PluginContainer.requireImage();
    // What `podman login` leaves, in the file the release pipeline names for all three tools.
    java.nio.file.Path auth = dir.resolve("auth.json");
    java.nio.file.Files.writeString(
        auth,
        "{\"auths\":{\""
            + LOCKED.host()
            + "\":{\"auth\":\""
            + java.util.Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8))
            + "\"}}}");
    String target = LOCKED.host() + "/tools/registry-integrity:1";
    Ran publish =
        run(
            java.util.Map.of("REGISTRY_AUTH_FILE", auth.toString()),
            List.of("scripts/publish-image", "--from", layout(), target));
    assertEquals(0, publish.exitCode(), publish.output());
    assertTrue(publish.output().contains("added to the referrers fallback tag"), publish.output());
    assertTrue(publish.output().contains("INTACT: 1 image"), publish.output());
    assertTrue(!publish.output().contains(PASSWORD), "the password is never printed");
  }

  @Test
  void aVersionTagOtherThanTheImagesVersionIsRefusedBeforeAnythingIsPushed() throws Exception {
    PluginContainer.requireImage();
    String repo = REGISTRY.uniqueRepo("wrong-version");
    Ran bad =
        run(
            List.of(
                "scripts/publish-image",
                "--from",
                layout(),
                REGISTRY.host() + "/" + repo + ":0.0.1"));
    assertEquals(2, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("names another version than the image's"), bad.output());
    Ran nothing =
        run(
            List.of(
                "skopeo",
                "inspect",
                "--tls-verify=false",
                "docker://" + REGISTRY.host() + "/" + repo + ":0.0.1"));
    assertTrue(nothing.exitCode() != 0, "nothing was pushed: " + nothing.output());
  }

  @Test
  void aReferenceWithoutARegistryIsRefusedBeforeAnythingIsBuilt() throws Exception {
    Ran bad = run(List.of("scripts/publish-image", "registry-integrity:1"));
    assertEquals(2, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("names no registry"), bad.output());
  }
}
