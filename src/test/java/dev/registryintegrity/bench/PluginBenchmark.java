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
      String repo = ref.substring(0, ref.lastIndexOf(':'));
      ColdRuns.Timing plugin =
          ColdRuns.time(
              "podman run IMAGE (plugin step, verify)",
              List.of(
                  "podman",
                  "run",
                  "--rm",
                  "--network",
                  "host",
                  "-e",
                  "PLUGIN_REPO=" + repo,
                  "-e",
                  "PLUGIN_TAGS=v1",
                  "-e",
                  "PLUGIN_INSECURE=true",
                  image));
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
      System.out.printf(
          Locale.ROOT,
          "%d unique digests behind a %d ms round trip (1 warm-up, median of %d)%n",
          bench.uniqueDigests(),
          BenchImage.ONE_WAY.toMillis() * 2,
          ColdRuns.RUNS);
      System.out.println(ColdRuns.header());
      for (ColdRuns.Timing t : List.of(plugin, floor, curl)) {
        System.out.println(t.row());
      }
      System.out.printf(
          Locale.ROOT,
          "plugin container vs the curl walk: %.1fx faster%n",
          curl.median() / (double) plugin.median());
    }
  }
}
