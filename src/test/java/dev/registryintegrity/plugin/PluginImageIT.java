package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the image is made of, checked on the built image: its JVM starts from the AOT cache the
 * build trained (a cache that no longer matched would be skipped in silence, and start-up would
 * quietly double), its runtime stays small, and it keeps the optimizing compiler that hashing
 * needs.
 */
class PluginImageIT {
  private static List<String> entrypoint;

  @BeforeAll
  static void inspect() throws Exception {
    PluginContainer.requireImage();
    JsonArray array =
        JsonParser.parseString(
                podman(
                    "image",
                    "inspect",
                    "--format",
                    "{{json .Config.Entrypoint}}",
                    PluginContainer.image()))
            .getAsJsonArray();
    entrypoint = new ArrayList<>();
    array.forEach(e -> entrypoint.add(e.getAsString()));
  }

  private static String podman(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    return out.trim();
  }

  @Test
  void theImagesOwnCommandLineStartsFromItsAotCache() throws Exception {
    // The same command line with AOTMode=on: the JVM refuses to start unless the cache maps.
    List<String> strict =
        new ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--entrypoint",
                entrypoint.get(0),
                PluginContainer.image(),
                "-XX:AOTMode=on"));
    strict.addAll(entrypoint.subList(1, entrypoint.size()));
    strict.add("version");
    assertTrue(podman(strict.toArray(String[]::new)).startsWith("registry-integrity "));
  }

  @Test
  void theRetentionPipelineNamesTheImagesOwnEntrypointAndItsArgumentsParse() throws Exception {
    List<String> step =
        dev.registryintegrity.fixture.YamlDocuments.at(
            dev.registryintegrity.fixture.YamlDocuments.load(
                    java.nio.file.Path.of("examples/retention/woodpecker-cron.yaml"))
                .get(0),
            "steps",
            "0",
            "entrypoint");
    assertEquals(entrypoint, step.subList(0, entrypoint.size()), "the example's entrypoint");
    // Run as the pipeline would, with no network: the arguments parse (not exit 2), and the
    // registry cannot be reached (exit 3), so nothing is deleted anywhere.
    List<String> run =
        new ArrayList<>(
            List.of(
                "podman",
                "run",
                "--rm",
                "--network",
                "none",
                "--entrypoint",
                new com.google.gson.Gson().toJson(step),
                PluginContainer.image()));
    Process p = new ProcessBuilder(run).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("registry.example.com"), out);
  }

  @Test
  void theImageLeavesTheS3ClientOutAndAnS3RootSaysWhereToRunIt() throws Exception {
    // No network and no credentials: only a missing client can answer before trying S3.
    Process p =
        new ProcessBuilder(
                "podman",
                "run",
                "--rm",
                "--network",
                "none",
                PluginContainer.image(),
                "fsck",
                "s3://registry/store")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("no S3 client") && out.contains("jar"), out);
  }

  @Test
  void theImageKeepsTheOptimizingCompilerAndACompressedRuntime() throws Exception {
    // C1 alone starts a little faster but hashes a tenth as fast: --verify-content would crawl.
    assertFalse(
        entrypoint.stream().anyMatch(a -> a.startsWith("-XX:TieredStopAtLevel")),
        entrypoint.toString());
    long size =
        Long.parseLong(
            podman("image", "inspect", "--format", "{{.Size}}", PluginContainer.image()));
    assertTrue(size < 80_000_000L, "image of " + size + " bytes; the budget is 80 MB");
  }
}
