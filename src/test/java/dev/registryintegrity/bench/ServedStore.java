package dev.registryintegrity.bench;

import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.RegistryFixture;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A storage directory served by a real registry process (Debian's docker-registry, or v3's binary
 * with {@code REGISTRY_IMPLEMENTATION=3}) with its access log on, for benchmarks that count what a
 * run asked of the registry and what it cost the registry: requests by kind from the log, the
 * registry's CPU from {@code /proc/PID/stat}.
 */
final class ServedStore implements AutoCloseable {
  private static final Pattern ACCESS =
      Pattern.compile("\"(GET|HEAD|DELETE|PUT|POST|PATCH) (/v2/\\S*) HTTP/[0-9.]+\" (\\d{3})");
  private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/(sha256:[0-9a-f]{64})$");
  private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
  private static final Pattern TAG_LIST = Pattern.compile("^/v2/(.+)/tags/list$");
  private static final long TICKS_PER_SECOND = 100;

  /** What the registry's access log says one run asked for. */
  static final class LogCounts {
    long manifestGets;
    long manifestHeads;
    long manifestDeletes;
    long blobGets;
    long blobHeads;
    long tagLists;
    long other;
    final Set<String> uniqueBlobs = new HashSet<>();
    final List<String> blobPaths = new ArrayList<>();
    final List<String> manifestPaths = new ArrayList<>();

    long total() {
      return manifestGets
          + manifestHeads
          + manifestDeletes
          + blobGets
          + blobHeads
          + tagLists
          + other;
    }
  }

  private final String binary;
  private final Path accessLog;
  private final Process registry;
  private final String host;

  private ServedStore(String binary, Path accessLog, Process registry, String host) {
    this.binary = binary;
    this.accessLog = accessLog;
    this.registry = registry;
    this.host = host;
  }

  /** Serves {@code store} (a filesystem driver's rootdirectory), deletes enabled, no cache. */
  static ServedStore start(Path store, Path work) throws Exception {
    Implementation implementation = Implementation.current();
    String binary =
        RegistryFixture.processBinary(implementation)
            .orElseThrow(() -> new IllegalStateException(implementation + " is not installed"))
            .toString();
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String host = "127.0.0.1:" + port;
    Path config = work.resolve("config.yml");
    Path accessLog = work.resolve("access.log");
    // No blob descriptor cache: every answer comes from storage, as after a restart. The access
    // log is on in every phase, so its cost is in each figure alike.
    Files.writeString(
        config,
        "version: 0.1\n"
            + "log:\n  level: warn\n  accesslog:\n    disabled: false\n"
            + "storage:\n  filesystem:\n    rootdirectory: "
            + store.toAbsolutePath()
            + "\n  delete:\n    enabled: true\n"
            + "http:\n  addr: "
            + host
            + "\n");
    Files.deleteIfExists(accessLog);
    Process registry =
        new ProcessBuilder(binary, "serve", config.toString())
            .redirectOutput(accessLog.toFile())
            .redirectError(work.resolve("registry.err").toFile())
            .start();
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        client.send(
            HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        return new ServedStore(binary, accessLog, registry, host);
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    registry.destroy();
    throw new IllegalStateException(binary + " did not start: see " + work);
  }

  /**
   * One cold run of the tool against this registry, as GNU time and the registry saw it.
   *
   * @param out what the tool printed on stdout
   * @param log what the registry's access log says the run asked
   * @param registryCpuMillis the registry's CPU during the run
   */
  record Measured(
      int exitCode,
      Path out,
      LogCounts log,
      double wallSeconds,
      double ourCpuSeconds,
      long rssMiB,
      long registryCpuMillis) {}

  /**
   * Runs the jar in a new JVM with {@code jvmFlags} and {@code arguments} under GNU time, its
   * stdout and stderr in {@code work} under {@code name}.
   */
  Measured measure(Path work, String name, List<String> jvmFlags, List<String> arguments)
      throws Exception {
    Path timeOut = work.resolve("time-" + name + ".txt");
    Path out = work.resolve(name + ".out");
    long logFrom = logPosition();
    long cpuBefore = cpuMillis();
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/time",
                "-o",
                timeOut.toString(),
                "-f",
                "%e %U %S %M",
                System.getProperty("java.home") + "/bin/java"));
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", "target/registry-integrity.jar"));
    command.addAll(arguments);
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(work.resolve(name + ".err").toFile())
            .start();
    int exit = p.waitFor();
    long cpuAfter = cpuMillis();
    String[] time = Files.readString(timeOut).trim().split("\\R");
    // GNU time's own line is the last: a JVM that crashed may have printed before it.
    String[] t = time[time.length - 1].trim().split(" ");
    return new Measured(
        exit,
        out,
        readLog(logFrom),
        Double.parseDouble(t[0]),
        Double.parseDouble(t[1]) + Double.parseDouble(t[2]),
        Long.parseLong(t[3]) / 1024,
        cpuAfter - cpuBefore);
  }

  String host() {
    return host;
  }

  String binary() {
    return binary;
  }

  /** Where the log is now: a run's requests are those after it. */
  long logPosition() throws IOException {
    return Files.size(accessLog);
  }

  LogCounts readLog(long from) throws IOException {
    LogCounts counts = new LogCounts();
    byte[] bytes;
    try (RandomAccessFile file = new RandomAccessFile(accessLog.toFile(), "r")) {
      bytes = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
    }
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      Matcher m = ACCESS.matcher(line);
      if (!m.find()) {
        continue;
      }
      String method = m.group(1);
      String path = m.group(2);
      Matcher blob = BLOB.matcher(path);
      if (blob.matches()) {
        counts.uniqueBlobs.add(blob.group(2));
        if (method.equals("GET")) {
          counts.blobGets++;
        } else if (method.equals("HEAD")) {
          counts.blobHeads++;
          counts.blobPaths.add(path);
        } else {
          counts.other++;
        }
      } else if (MANIFEST.matcher(path).matches()) {
        switch (method) {
          case "GET" -> {
            counts.manifestGets++;
            counts.manifestPaths.add(path);
          }
          case "HEAD" -> counts.manifestHeads++;
          case "DELETE" -> counts.manifestDeletes++;
          default -> counts.other++;
        }
      } else if (TAG_LIST.matcher(path.replaceFirst("\\?.*", "")).matches()) {
        counts.tagLists++;
      } else {
        counts.other++;
      }
    }
    return counts;
  }

  /** utime + stime of the registry process, in milliseconds. */
  long cpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + registry.pid() + "/stat"));
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
  }

  String version() throws Exception {
    Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
    String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return v.replace("github.com/docker/distribution ", "distribution ")
        .replace("github.com/distribution/distribution/v3 ", "distribution ");
  }

  /** Reads every file once, so the first run does not pay for the disk and the others not. */
  static void warmPageCache(Path store) throws IOException {
    try (Stream<Path> files = Files.walk(store)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.readAllBytes(file);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    registry.destroy();
    registry.waitFor(10, TimeUnit.SECONDS);
  }
}
