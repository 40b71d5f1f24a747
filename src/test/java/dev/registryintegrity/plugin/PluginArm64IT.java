package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linux/arm64 plugin image, run as a Woodpecker step on an arm64 agent would run it, here under
 * emulation (qemu-user-static registered in binfmt_misc by image/setup-podman.sh), against a real
 * registry. Few runs: each costs seconds under emulation; PluginIT covers the settings.
 */
class PluginArm64IT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static SeededImage healthy;
  private static SeededImage broken;

  @TempDir Path dir;

  @BeforeAll
  static void seed() throws Exception {
    PluginContainer.requireImage(PluginContainer.arm64Image());
    if (!Files.exists(Path.of("/proc/sys/fs/binfmt_misc/qemu-aarch64"))) {
      throw new IllegalStateException(
          "no arm64 emulation: qemu-aarch64 is not registered in binfmt_misc; run"
              + " image/setup-podman.sh as root (scripts/test does)");
    }
    broken = REGISTRY.seeder().pushImage("arm-broken", ImageSpec.multiPlatform(), "old", "new");
    REGISTRY.loseIndexChildren("arm-broken", "old", broken);
    // After the collection: distribution 2.8 deletes the children of every tagged OCI index.
    healthy = REGISTRY.seeder().pushImage("arm-ok", ImageSpec.multiPlatform(), "latest");
  }

  /** The step on arm64 with a report, and the report it wrote. */
  private record Step(PluginContainer.Result result, JsonObject report) {}

  private Step step(String repo, String tag) throws Exception {
    Path ws = PluginContainer.workspaceIn(dir);
    PluginContainer.Result r =
        PluginContainer.step()
            .onArm64()
            .workspace(ws)
            .setting("repo", REGISTRY.host() + "/" + repo)
            .setting("tags", tag)
            .setting("report", "integrity.json")
            .run();
    Path report = ws.resolve("integrity.json");
    assertTrue(Files.exists(report), "no report written: " + r.log());
    return new Step(r, JsonParser.parseString(Files.readString(report)).getAsJsonObject());
  }

  /** One field of the arm64 image's configuration, as podman shows it. */
  private static String inspect(String format) throws Exception {
    Process p =
        new ProcessBuilder(
                "podman", "image", "inspect", "--format", format, PluginContainer.arm64Image())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return out;
  }

  /**
   * The arm64 image under emulation with {@code entrypoint} and {@code args}; its output, after
   * asserting it exited 0.
   */
  private static String runArm64(String entrypoint, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "run",
                "--rm",
                "--platform",
                "linux/arm64",
                "--entrypoint",
                entrypoint,
                PluginContainer.arm64Image()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void theArm64VariantsJavaIsAnAarch64Binary() throws Exception {
    String out = runArm64("/opt/java/bin/java", List.of("-XshowSettings:properties", "-version"));
    assertTrue(out.contains("os.arch = aarch64"), out);
    assertEquals("linux/arm64", inspect("{{.Os}}/{{.Architecture}}"));
  }

  @Test
  void theArm64ImageStartsFromItsOwnAotCache() throws Exception {
    // Its own command line with AOTMode=on: the JVM refuses to start unless the cache maps, so an
    // amd64 cache, or none, would fail here.
    List<String> entrypoint = new ArrayList<>();
    JsonParser.parseString(inspect("{{json .Config.Entrypoint}}"))
        .getAsJsonArray()
        .forEach(e -> entrypoint.add(e.getAsString()));
    List<String> args = new ArrayList<>(List.of("-XX:AOTMode=on"));
    args.addAll(entrypoint.subList(1, entrypoint.size()));
    args.add("version");
    String out = runArm64(entrypoint.get(0), args);
    assertTrue(out.startsWith("registry-integrity "), out);
  }

  @Test
  void anIntactImagePassesAndTheReportIsWritten() throws Exception {
    Step step = step("arm-ok", "latest");
    PluginContainer.Result r = step.result();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(r.log().contains("(Woodpecker plugin)"), r.log());
    assertTrue(r.log().contains("(commit "), "the header names the commit: " + r.log());
    assertTrue(r.log().contains("INTACT"), r.log());
    JsonObject report = step.report();
    assertEquals(0, report.get("exitCode").getAsInt());
    assertTrue(
        report.toString().contains(healthy.top("latest").digest().toString()), report.toString());
  }

  @Test
  void theIncidentFailsTheStepWithEveryMissingDigestInTheReport() throws Exception {
    Step step = step("arm-broken", "new");
    PluginContainer.Result r = step.result();
    assertEquals(1, r.exitCode(), r.log());
    JsonObject report = step.report();
    assertEquals(1, report.get("exitCode").getAsInt());
    for (Digest missing : broken.manifestDigestsBelowTop()) {
      assertTrue(r.log().contains(missing.toString()), missing + " not named:\n" + r.log());
      assertTrue(report.toString().contains(missing.toString()), missing + " not in the report");
    }
  }
}
