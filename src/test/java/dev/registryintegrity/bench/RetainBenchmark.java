package dev.registryintegrity.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Retention at registry scale (docs/benchmarks.md, "Retention at registry scale"): the probe
 * benchmark's synthetic store (1,000 repositories x 14 tags, each an index of two platform images
 * built a day apart) served by a real registry, then {@code retain --keep-newest 3} as a plan, as
 * {@code --apply}, and as the next night's plan, each a new JVM under -Xmx256m. For each: the
 * requests by kind from the registry's access log beside the fewest that could decide and delete
 * the same, wall time, our CPU and resident size (GNU time) and the registry's CPU. The store is
 * written afresh each time, as apply deletes from it. Run: scripts/benchmark-retain [REPOSITORIES]
 */
public final class RetainBenchmark {
  private static final int TAGS = 14;
  private static final int KEEP = 3;
  private static final int PLATFORMS = 2;
  private static final int LAYERS = 8;

  private final Path work;
  private final ServedStore served;

  private RetainBenchmark(Path work, ServedStore served) {
    this.work = work;
    this.served = served;
  }

  record Phase(
      String name,
      int exitCode,
      long ourRequests,
      ServedStore.LogCounts log,
      double wallSeconds,
      double ourCpuSeconds,
      long rssMiB,
      long registryCpuMillis) {

    static String header() {
      return String.format(
          Locale.ROOT,
          "%-16s %9s %9s %9s %9s %9s %9s %9s %8s %8s %9s %8s %5s",
          "run",
          "requests",
          "tag list",
          "man GET",
          "man HEAD",
          "blob GET",
          "blob HEAD",
          "DELETE",
          "wall s",
          "our CPU",
          "reg CPU s",
          "RSS MiB",
          "exit");
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "%-16s %9d %9d %9d %9d %9d %9d %9d %8.1f %8.1f %9.1f %8d %5d",
          name,
          log.total(),
          log.tagLists,
          log.manifestGets,
          log.manifestHeads,
          log.blobGets,
          log.blobHeads,
          log.manifestDeletes,
          wallSeconds,
          ourCpuSeconds,
          registryCpuMillis / 1000.0,
          rssMiB,
          exitCode);
    }
  }

  public static void main(String[] args) throws Exception {
    int repos = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Path store = Path.of("target/retain-bench-" + repos);
    ColdRuns.deleteTree(store.toFile());
    SyntheticStore.main(new String[] {store.toString(), String.valueOf(repos)});
    Path work = Files.createDirectories(Path.of("target/retain-scale"));
    try (ServedStore served = ServedStore.start(store, work)) {
      RetainBenchmark bench = new RetainBenchmark(work, served);
      ServedStore.warmPageCache(store);
      System.out.printf(
          Locale.ROOT,
          "store: %s (%d repositories x %d tags), served by %s on %s;"
              + " retain --keep-newest %d, each run a new JVM, -Xmx256m%n%n",
          store,
          repos,
          TAGS,
          served.version(),
          served.host(),
          KEEP);
      System.out.println(Phase.header());
      List<Phase> phases = new ArrayList<>();
      for (String phase : List.of("plan", "apply", "next plan")) {
        phases.add(bench.run(phase, phase.equals("apply")));
        System.out.println(phases.get(phases.size() - 1).row());
      }
      // The fewest requests that decide: each repository's tag list, each tag's index, its
      // platform manifests and their configs (the build time). Deleting: each dropped tag's
      // index and platform manifests, by digest. Checking a kept image adds its blobs.
      long decide = (long) repos * (1 + TAGS * (1 + PLATFORMS + PLATFORMS));
      long deletions = (long) repos * (TAGS - KEEP) * (1 + PLATFORMS);
      long keptBlobs = (long) repos * KEEP * PLATFORMS * LAYERS;
      System.out.printf(
          Locale.ROOT,
          "%nfewest requests to decide: %d (a tag list, then per tag the index, %d platform"
              + " manifests and their configs); to delete: %d DELETEs; a check of the kept"
              + " images' layers adds %d blob requests%n",
          decide,
          PLATFORMS,
          deletions,
          keptBlobs);
      for (Phase p : phases) {
        System.out.printf(
            Locale.ROOT,
            "%s: %d requests, %.2f per repository; the tool counted %d%n",
            p.name(),
            p.log().total(),
            p.log().total() / (double) repos,
            p.ourRequests());
      }
    }
  }

  private Phase run(String name, boolean apply) throws Exception {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "retain",
                "--registry",
                served.host(),
                "--plain-http",
                "--keep-newest",
                String.valueOf(KEEP)));
    if (apply) {
      arguments.add("--apply");
    }
    ServedStore.Measured m =
        served.measure(work, "retain-" + name.replace(' ', '-'), List.of("-Xmx256m"), arguments);
    Matcher requests = Pattern.compile("; (\\d+) requests in").matcher(Files.readString(m.out()));
    return new Phase(
        name,
        m.exitCode(),
        requests.find() ? Long.parseLong(requests.group(1)) : -1,
        m.log(),
        m.wallSeconds(),
        m.ourCpuSeconds(),
        m.rssMiB(),
        m.registryCpuMillis());
  }
}
