package dev.registryintegrity.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the plugin image the way Woodpecker's docker backend runs a plugin step: PLUGIN_* and CI_*
 * variables, the workspace mounted at /woodpecker/src/HOST/OWNER/REPO and used as the working
 * directory, the image's own entrypoint, host networking (to reach the test registry on loopback),
 * stdout and stderr merged into one log. The runtime is podman with runc.
 */
final class PluginContainer {
  static final String WORKSPACE = "/woodpecker/src/example.com/owner/repo";

  /** The image under test: -Dplugin.image, built and loaded by image/build-image.sh. */
  static String image() {
    return System.getProperty("plugin.image", "localhost/registry-integrity:test");
  }

  /** Its linux/arm64 variant, which image/build-image.sh loads beside it as NAME-arm64. */
  static String arm64Image() {
    return image() + "-arm64";
  }

  /**
   * @param log the step log as text, colours removed
   * @param raw the step log as Woodpecker receives it, colour codes included
   */
  record Result(int exitCode, String log, String raw) {}

  private final Map<String, String> env = new LinkedHashMap<>();
  private Path workspace;
  private String image = image();
  private String platform;

  static PluginContainer step() {
    PluginContainer c = new PluginContainer();
    c.env.put("CI", "woodpecker");
    c.env.put("CI_WORKSPACE", WORKSPACE);
    c.env.put("CI_REPO", "owner/repo");
    c.env.put("CI_PIPELINE_NUMBER", "42");
    c.env.put("CI_PIPELINE_EVENT", "push");
    c.env.put("CI_COMMIT_SHA", "5319f03e8c1a2b3d4e5f60718293a4b5c6d7e8f9");
    c.env.put("CI_STEP_TYPE", "plugin");
    return c;
  }

  /** A setting as YAML names it; the variable name follows Woodpecker's rule. */
  PluginContainer setting(String key, String value) {
    env.put(
        "PLUGIN_" + key.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT),
        value);
    return this;
  }

  PluginContainer env(String name, String value) {
    env.put(name, value);
    return this;
  }

  PluginContainer withoutEnv(String name) {
    env.remove(name);
    return this;
  }

  /** The linux/arm64 variant, under emulation (qemu-user-static in binfmt_misc). */
  PluginContainer onArm64() {
    image = arm64Image();
    platform = "linux/arm64";
    return this;
  }

  PluginContainer workspace(Path dir) {
    this.workspace = dir;
    return this;
  }

  Result run() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("podman", "run", "--rm", "--network", "host"));
    if (platform != null) {
      command.addAll(List.of("--platform", platform));
    }
    if (workspace != null) {
      command.addAll(List.of("-v", workspace + ":" + WORKSPACE, "-w", WORKSPACE));
    }
    env.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
    command.add(image);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the plugin container did not finish in 180 s: " + log);
    }
    return new Result(p.exitValue(), log.replaceAll("\u001b\\[[0-9;]*m", ""), log);
  }

  /** A workspace as Woodpecker's clone step leaves it: owned by root, not writable by others. */
  static Path workspaceIn(Path dir) throws IOException {
    Path ws = java.nio.file.Files.createDirectory(dir.resolve("ws"));
    java.nio.file.Files.setPosixFilePermissions(
        ws, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    java.nio.file.Files.setPosixFilePermissions(
        dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return ws;
  }

  /** Fails (never skips) when the runtime or the image is missing, saying how to get them. */
  static void requireImage() throws IOException, InterruptedException {
    requireImage(image());
  }

  static void requireImage(String image) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("podman", "image", "exists", image).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "podman is not installed: run image/setup-podman.sh (scripts/test does)", e);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "image "
              + image
              + " is not in podman's storage: run image/build-image.sh "
              + image()
              + " first (scripts/test does)");
    }
  }
}
