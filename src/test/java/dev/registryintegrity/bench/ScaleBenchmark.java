package dev.registryintegrity.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probe at registry scale (docs/benchmarks.md, "Probe at registry scale"): the fsck benchmark's
 * synthetic store (1,000 repositories x 14 tags by default) served by a real docker-registry
 * process, one probe run per blob check, each a new JVM under -Xmx256m. For each run: requests by
 * kind (from the registry's own access log), wall time, our CPU and peak resident size (GNU time),
 * our heap (the JVM's GC log) and the registry's CPU (its /proc/PID/stat before and after). Then
 * the registry's capacity for the same request kinds, measured with a load generator, so a run's
 * rate can be read against what the registry can serve at all. Run: scripts/benchmark-probe --scale
 * [REPOSITORIES]
 */
public final class ScaleBenchmark {
  private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");
  private static final Pattern HEAP_AT_EXIT = Pattern.compile("used (\\d+)K");
  private static final Duration CAPACITY_WINDOW = Duration.ofSeconds(10);
  private static final int LOAD_CONCURRENCY = 16;
  private static final String JSON_HEAP = "1g";

  private final Path work;
  private final ServedStore served;
  private final String host;

  private ScaleBenchmark(Path work, ServedStore served) {
    this.work = work;
    this.served = served;
    this.host = served.host();
  }

  public static void main(String[] args) throws Exception {
    int repos = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    boolean withJson = List.of(args).contains("--with-json");
    Path store = Path.of("target/fsck-bench-" + repos);
    if (!Files.isDirectory(store)) {
      SyntheticStore.main(new String[] {store.toString(), String.valueOf(repos)});
    }
    Path work = Files.createDirectories(Path.of("target/probe-scale"));
    try (ServedStore served = ServedStore.start(store, work)) {
      ScaleBenchmark bench = new ScaleBenchmark(work, served);
      ServedStore.warmPageCache(store);
      System.out.printf(
          Locale.ROOT,
          "store: %s (%d repositories x 14 tags), served by %s on %s; each probe a new JVM, -Xmx256m%n%n",
          store,
          repos,
          served.version(),
          bench.host);
      List<Run> runs = new ArrayList<>();
      System.out.println(Run.header());
      for (String check : List.of("head", "read", "content")) {
        runs.add(bench.probe(check, false));
        System.out.println(runs.get(runs.size() - 1).row());
      }
      if (withJson) {
        // The JSON report lists every node, so it holds the registry's graph: given more heap
        // to show how much (under 256 MiB it runs out at this size).
        Run json = bench.probe("read", true);
        System.out.println(json.row());
      }
      Run head = runs.get(0);
      Run read = runs.get(1);
      Run content = runs.get(2);
      System.out.printf(
          Locale.ROOT,
          "%nregistry CPU, read / head: %.2f (goal <= 1.5); content / head: %.2f%n",
          read.registryCpuMillis / (double) head.registryCpuMillis,
          content.registryCpuMillis / (double) head.registryCpuMillis);
      for (Run r : List.of(read, content)) {
        System.out.printf(
            Locale.ROOT,
            "%s: %d blob GETs for %d unique blob digests reached (goal: equal)%n",
            r.check,
            r.log.blobGets,
            r.log.uniqueBlobs.size());
      }
      System.out.printf(
          Locale.ROOT,
          "heap: peak %d MiB, most retained after a collection %d MiB (goal: within 256 MiB)%n",
          runs.stream().limit(3).mapToLong(r -> r.peakHeapMiB).max().orElse(0),
          runs.stream().limit(3).mapToLong(r -> r.liveHeapMiB).max().orElse(0));
      System.out.printf(
          Locale.ROOT,
          "%nregistry capacity on this machine (%d concurrent clients, %d s each, the load"
              + " generator on the same 2 cores):%n",
          LOAD_CONCURRENCY,
          CAPACITY_WINDOW.toSeconds());
      System.out.printf(
          Locale.ROOT, "%-28s %12s %18s%n", "request kind", "per second", "registry CPU/req");
      for (Capacity c : bench.capacity(head.log)) {
        System.out.printf(
            Locale.ROOT,
            "%-28s %12.0f %15.2f ms%n",
            c.kind,
            c.perSecond,
            c.registryMillisPerRequest);
      }
    }
  }

  record Run(
      String check,
      boolean json,
      int exitCode,
      long requests,
      ServedStore.LogCounts log,
      double wallSeconds,
      double ourCpuSeconds,
      long rssMiB,
      long peakHeapMiB,
      long liveHeapMiB,
      long registryCpuMillis) {

    static String header() {
      return String.format(
          Locale.ROOT,
          "%-14s %9s %9s %9s %9s %9s %8s %8s %9s %9s %9s %9s %5s",
          "blob check",
          "requests",
          "man GET",
          "blob HEAD",
          "blob GET",
          "uniq blob",
          "wall s",
          "our CPU",
          "reg CPU s",
          "reg ms/rq",
          "heap MiB",
          "RSS MiB",
          "exit");
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "%-14s %9d %9d %9d %9d %9d %8.1f %8.1f %9.1f %9.2f %4d/%-4d %9d %5d",
          check + (json ? " json " + JSON_HEAP : ""),
          requests,
          log.manifestGets,
          log.blobHeads,
          log.blobGets,
          log.uniqueBlobs.size(),
          wallSeconds,
          ourCpuSeconds,
          registryCpuMillis / 1000.0,
          registryCpuMillis / (double) Math.max(1, log.total()),
          peakHeapMiB,
          liveHeapMiB,
          rssMiB,
          exitCode);
    }
  }

  record Capacity(String kind, double perSecond, double registryMillisPerRequest) {}

  private Run probe(String check, boolean json) throws Exception {
    String name = "probe-" + check + (json ? "-json" : "");
    Path gcLog = work.resolve("gc-" + check + (json ? "-json" : "") + ".log");
    List<String> arguments =
        new ArrayList<>(
            List.of("probe", "--registry", host, "--plain-http", "--blob-check", check));
    if (json) {
      arguments.addAll(List.of("--format", "json"));
    }
    ServedStore.Measured m =
        served.measure(
            work,
            name,
            List.of(json ? "-Xmx" + JSON_HEAP : "-Xmx256m", "-Xlog:gc,gc+heap+exit:file=" + gcLog),
            arguments);
    long[] heap = heapOf(gcLog);
    return new Run(
        check,
        json,
        m.exitCode(),
        requestsOf(m.out(), json),
        m.log(),
        m.wallSeconds(),
        m.ourCpuSeconds(),
        m.rssMiB(),
        heap[0],
        heap[1],
        m.registryCpuMillis());
  }

  private static long requestsOf(Path out, boolean json) throws IOException {
    String text = Files.readString(out);
    Matcher m =
        Pattern.compile(json ? "\"requests\":\\s*(\\d+)" : "; (\\d+) requests in").matcher(text);
    // A run that ended early (its exit code says how) printed no count.
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Peak heap in use (the most before any collection, or at exit) and the most kept after one. */
  private static long[] heapOf(Path gcLog) throws IOException {
    long peak = 0;
    long live = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)));
        live = Math.max(live, Long.parseLong(m.group(2)));
      }
      Matcher exit = HEAP_AT_EXIT.matcher(line);
      if (line.contains("garbage-first heap") && exit.find()) {
        peak = Math.max(peak, Long.parseLong(exit.group(1)) / 1024);
      }
    }
    return new long[] {peak, live};
  }

  /** The registry's own rate and CPU per request for each kind the probe sends, at saturation. */
  private List<Capacity> capacity(ServedStore.LogCounts head) throws Exception {
    List<Capacity> all = new ArrayList<>();
    all.add(load("ranged blob GET (1 byte)", head.blobPaths, "GET", true));
    all.add(load("blob HEAD", head.blobPaths, "HEAD", false));
    all.add(load("manifest GET", head.manifestPaths, "GET", false));
    return all;
  }

  private Capacity load(String kind, List<String> paths, String method, boolean ranged)
      throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(LOAD_CONCURRENCY, Thread.ofPlatform().daemon().factory());
    try (HttpClient client = HttpClient.newBuilder().executor(pool).build()) {
      return load(client, kind, paths, method, ranged);
    } finally {
      pool.shutdownNow();
    }
  }

  private Capacity load(
      HttpClient client, String kind, List<String> paths, String method, boolean ranged)
      throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong next = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    long cpuBefore = served.cpuMillis();
    long started = System.nanoTime();
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < LOAD_CONCURRENCY; i++) {
      workers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (running.get()) {
                      String path = paths.get((int) (next.getAndIncrement() % paths.size()));
                      HttpRequest.Builder request =
                          HttpRequest.newBuilder(URI.create("http://" + host + path))
                              .method(method, HttpRequest.BodyPublishers.noBody())
                              .header(
                                  "Accept",
                                  "application/vnd.oci.image.index.v1+json,"
                                      + "application/vnd.oci.image.manifest.v1+json");
                      if (ranged) {
                        request.header("Range", "bytes=0-0");
                      }
                      try {
                        HttpResponse<Void> response =
                            client.send(request.build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() >= 400) {
                          throw new IllegalStateException(response.statusCode() + " for " + path);
                        }
                        done.incrementAndGet();
                      } catch (IOException e) {
                        throw new IllegalStateException(e);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      }
                    }
                  }));
    }
    Thread.sleep(CAPACITY_WINDOW.toMillis());
    running.set(false);
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long cpuMillis = served.cpuMillis() - cpuBefore;
    return new Capacity(kind, done.get() / seconds, cpuMillis / (double) done.get());
  }
}
