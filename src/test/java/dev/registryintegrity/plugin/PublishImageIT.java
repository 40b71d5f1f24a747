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
 * A self-hoster's path: scripts/publish-image pushes the plugin image into their own registry and
 * verifies it with the tool itself; podman then pulls it from there and runs it as a Woodpecker
 * step would, checking its own image.
 */
class PublishImageIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static String published;

  private record Ran(int exitCode, String output) {}

  private static Ran run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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

  @Test
  void theImagePublishedIntoYourOwnRegistryIsIntactAndRunsAsAStep() throws Exception {
    PluginContainer.requireImage();
    published = REGISTRY.host() + "/tools/registry-integrity:1";
    Ran publish =
        run(List.of("scripts/publish-image", "--from", PluginContainer.image(), published));
    assertEquals(0, publish.exitCode(), publish.output());
    assertTrue(publish.output().contains("INTACT: 1 image"), publish.output());

    Ran pull = run(List.of("podman", "pull", "--quiet", "--tls-verify=false", published));
    assertEquals(0, pull.exitCode(), pull.output());
    Ran step =
        run(
            List.of(
                "podman",
                "run",
                "--rm",
                "--network",
                "host",
                "-e",
                "PLUGIN_REPO=" + REGISTRY.host() + "/tools/registry-integrity",
                "-e",
                "PLUGIN_TAGS=1",
                "-e",
                "CI=woodpecker",
                "-e",
                "NO_COLOR=1",
                published));
    assertEquals(0, step.exitCode(), step.output());
    assertTrue(step.output().contains("(Woodpecker plugin)"), step.output());
    assertTrue(step.output().contains("INTACT: 1 image"), step.output());
  }

  @Test
  void aReferenceWithoutARegistryIsRefusedBeforeAnythingIsBuilt() throws Exception {
    Ran bad = run(List.of("scripts/publish-image", "registry-integrity:1"));
    assertEquals(2, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("names no registry"), bad.output());
  }
}
