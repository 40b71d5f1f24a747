package dev.registryintegrity.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The plugin container as Woodpecker runs it, start to exit under podman, on the benchmark image
 * behind the 20 ms proxy: a new container per run. Next to it the floor (the same container running
 * only {@code java -version}) and the sequential curl walk from the same run, and the image's size.
 * Run: scripts/benchmark-plugin [IMAGE]
 */
public final class PluginBenchmark {
  private PluginBenchmark() {}

  public static void main(String[] args) throws Exception {
    String image = args.length > 0 ? args[0] : "localhost/registry-integrity:bench";
    try (BenchImage bench = BenchImage.start()) {
      String ref = bench.reference();
      ColdRuns.Timing plugin =
          ColdRuns.time(
              "podman run IMAGE (plugin step, verify)",
              step(image, ref, List.of("-e", "PLUGIN_INSECURE=true")));
      ColdRuns.Timing floor =
          ColdRuns.time(
              "podman run IMAGE java -version (the floor)",
              List.of(
                  "podman",
                  "run",
                  "--rm",
                  "--network",
                  "host",
                  "--entrypoint",
                  "java",
                  image,
                  "-version"));
      ColdRuns.Timing curl =
          ColdRuns.time(
              "sequential curl walk (scripts/bench/curl-walk)",
              List.of("scripts/bench/curl-walk", ref));
      Process inspect =
          new ProcessBuilder("podman", "image", "inspect", "--format", "{{.Size}}", image).start();
      long size =
          Long.parseLong(
              new String(inspect.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
      System.out.printf(
          Locale.ROOT,
          "image %s: %.1f MB (%d bytes, uncompressed, as podman reports it)%n",
          image,
          size / 1e6,
          size);
      ColdRuns.print(
          String.format(
              Locale.ROOT,
              "%d unique digests behind a %d ms round trip",
              bench.uniqueDigests(),
              BenchImage.ONE_WAY.toMillis() * 2),
          List.of(plugin, floor, curl));
      System.out.printf(
          Locale.ROOT,
          "plugin container vs the curl walk: %.1fx faster%n",
          curl.median() / (double) plugin.median());
      tls(image, plugin);
    }
  }

  /** The plugin step on the bench image {@code ref} as Woodpecker runs it, with {@code more}. */
  private static List<String> step(String image, String ref, List<String> more) {
    List<String> command =
        new java.util.ArrayList<>(List.of("podman", "run", "--rm", "--network", "host"));
    command.addAll(more);
    command.addAll(
        List.of(
            "-e", "PLUGIN_REPO=" + ref.substring(0, ref.lastIndexOf(':')), "-e", "PLUGIN_TAGS=v1"));
    command.add(image);
    return command;
  }

  /** The step against the same image in a registry with TLS (a private CA) and basic auth. */
  private static void tls(String image, ColdRuns.Timing plain) throws Exception {
    dev.registryintegrity.fixture.TestPki pki = dev.registryintegrity.fixture.TestPki.create();
    try (BenchImage bench = BenchImage.startTls(pki)) {
      String ref = bench.reference();
      // The CA as a step gets it: a file in the workspace, named by ca_cert.
      java.nio.file.Path workspace = java.nio.file.Files.createTempDirectory("bench-ws");
      java.nio.file.Files.copy(pki.caCert, workspace.resolve("ca.pem"));
      workspace.toFile().setReadable(true, false);
      workspace.resolve("ca.pem").toFile().setReadable(true, false);
      ColdRuns.Timing step =
          ColdRuns.time(
              "podman run IMAGE, TLS + basic auth",
              step(
                  image,
                  ref,
                  List.of(
                      "-v",
                      workspace + ":/ws",
                      "-e",
                      "PLUGIN_CA_CERT=/ws/ca.pem",
                      "-e",
                      "PLUGIN_USERNAME=" + BenchImage.USER,
                      "-e",
                      "PLUGIN_PASSWORD=" + BenchImage.PASSWORD)));
      ColdRuns.deleteTree(workspace.toFile());
      System.out.println(step.row());
      System.out.printf(
          Locale.ROOT,
          "plugin container, TLS + basic auth vs plain HTTP: %.2fx the time%n",
          step.median() / (double) plain.median());
    }
  }
}
