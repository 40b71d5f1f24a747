package dev.registryintegrity.bench;

import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.LatencyProxy;
import dev.registryintegrity.fixture.ReferrerSeeder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The verify benchmark of docs/benchmarks.md: an image of 4 platforms x 10 layers with
 * attestations, a real registry behind a proxy adding a 20 ms round trip, and verify run at several
 * concurrencies. Prints requests vs the minimum and wall time vs depth x RTT. Run:
 * scripts/benchmark-verify
 */
public final class VerifyBenchmark {
  private static final Duration ONE_WAY = BenchImage.ONE_WAY;
  private static final int RUNS = 5;

  private VerifyBenchmark() {}

  public static void main(String[] args) throws Exception {
    try (BenchImage bench = BenchImage.start()) {
      ImageSeeder seeder = bench.registry.seeder();
      SeededImage image = bench.image;
      int unique = bench.uniqueDigests();
      int depth = BenchImage.DEPTH;
      LatencyProxy proxy = bench.proxy;
      String ref = bench.reference();
      long rtt = ONE_WAY.toMillis() * 2;
      System.out.printf(
          Locale.ROOT,
          "image: 4 platforms x 10 layers + attestations = %d unique digests; graph depth %d; RTT %d ms (proxy)%n",
          unique,
          depth,
          rtt);
      System.out.printf(
          Locale.ROOT,
          "minimum requests: %d; depth x RTT: %d ms; runs per row: %d (median wall time)%n%n",
          unique,
          depth * rtt,
          RUNS);
      System.out.printf(
          Locale.ROOT,
          "%-22s %9s %14s %16s%n",
          "mode",
          "requests",
          "wall (median)",
          "wall / (depth x RTT)");
      for (int concurrency : new int[] {1, 8, 32, 64}) {
        List<Long> walls = new ArrayList<>();
        int requests = 0;
        for (int i = 0; i < RUNS + 1; i++) {
          Cli.Run run =
              Cli.run(
                  "verify", "--format", "json", "--concurrency", String.valueOf(concurrency), ref);
          if (run.exitCode() != 0) {
            throw new IllegalStateException("verify failed: " + run.all());
          }
          JsonObject json = run.json();
          requests = json.getAsJsonObject("summary").get("requests").getAsInt();
          if (i > 0) {
            walls.add(json.get("durationMs").getAsLong());
          }
        }
        Collections.sort(walls);
        long median = walls.get(walls.size() / 2);
        String mode = concurrency == 1 ? "sequential (c=1)" : "concurrent (c=" + concurrency + ")";
        System.out.printf(
            Locale.ROOT,
            "%-22s %9d %11d ms %16.1f%n",
            mode,
            requests,
            median,
            median / (double) (depth * rtt));
      }
      ReferrerSeeder attach = new ReferrerSeeder(seeder);
      attach.signWithCosignTag("bench/app", image.top("v1"));
      attach.attach(
          "bench/app",
          image.top("v1"),
          "application/spdx+json",
          "application/spdx+json",
          "{\"spdxVersion\":\"SPDX-2.3\"}");
      System.out.printf(
          Locale.ROOT,
          "%nreferrers (a cosign tag-scheme signature and an OCI 1.1 SBOM attached) at the default concurrency%n");
      System.out.printf(Locale.ROOT, "%-22s %9s %14s%n", "mode", "requests", "wall (median)");
      for (String[] mode :
          new String[][] {{"without --referrers"}, {"--referrers", "--referrers"}}) {
        List<Long> walls = new ArrayList<>();
        int requests = 0;
        for (int i = 0; i < RUNS + 1; i++) {
          List<String> command = new ArrayList<>(List.of("verify", "--format", "json"));
          command.addAll(List.of(mode).subList(1, mode.length));
          command.add(ref);
          Cli.Run run = Cli.run(command.toArray(String[]::new));
          if (run.exitCode() != 0) {
            throw new IllegalStateException("verify failed: " + run.all());
          }
          requests = run.json().getAsJsonObject("summary").get("requests").getAsInt();
          if (i > 0) {
            walls.add(run.json().get("durationMs").getAsLong());
          }
        }
        Collections.sort(walls);
        System.out.printf(
            Locale.ROOT, "%-22s %9d %11d ms%n", mode[0], requests, walls.get(walls.size() / 2));
      }
      System.out.printf(
          Locale.ROOT,
          "%nblob check at the default concurrency (blobs: %d bytes in all)%n",
          image.blobBytes("v1"));
      System.out.printf(
          Locale.ROOT,
          "%-10s %9s %16s %14s%n",
          "check",
          "requests",
          "bytes received",
          "wall (median)");
      for (String check : new String[] {"head", "read", "content"}) {
        List<Long> walls = new ArrayList<>();
        int requests = 0;
        long bytes = 0;
        for (int i = 0; i < RUNS + 1; i++) {
          long before = proxy.bytesFromRegistry();
          Cli.Run run = Cli.run("verify", "--format", "json", "--blob-check", check, ref);
          if (run.exitCode() != 0) {
            throw new IllegalStateException("verify failed: " + run.all());
          }
          bytes = proxy.bytesFromRegistry() - before;
          requests = run.json().getAsJsonObject("summary").get("requests").getAsInt();
          if (i > 0) {
            walls.add(run.json().get("durationMs").getAsLong());
          }
        }
        Collections.sort(walls);
        System.out.printf(
            Locale.ROOT,
            "%-10s %9d %16d %11d ms%n",
            check,
            requests,
            bytes,
            walls.get(walls.size() / 2));
      }
      ColdRuns.Timing plainFloor = curlFloor(bench, "http", List.of());
      ColdRuns.Timing plain = coldProcesses(ref, plainFloor);
      tlsColdProcesses(plain, plainFloor);
    }
  }

  /**
   * The field's case, cold: the same image in a registry with TLS (a private CA) and basic auth,
   * behind the same proxy. The launcher with the cache its plain-HTTP first run recorded (as the
   * first TLS run meets it, before the launcher records one that covers TLS), and with one recorded
   * on a TLS run; the jar without a cache; skopeo with the same CA and login.
   */
  private static void tlsColdProcesses(ColdRuns.Timing plainLauncher, ColdRuns.Timing plainFloor)
      throws Exception {
    dev.registryintegrity.fixture.TestPki pki = dev.registryintegrity.fixture.TestPki.create();
    try (BenchImage bench = BenchImage.startTls(pki)) {
      String ref = bench.reference();
      List<String> login =
          List.of(
              "--ca-cert", pki.caCert.toString(), "-u", BenchImage.USER, "-p", BenchImage.PASSWORD);
      List<String> verify = launcherVerify(login, ref);
      Path plainCache = Path.of("target/bench-start-cache").toAbsolutePath();
      // Each run as the first TLS run after a plain-HTTP one: the run that leaves tls-wanted, so
      // the launcher's next run records a cache that covers TLS, is undone before the next.
      ColdRuns.Timing plainTrained =
          ColdRuns.time(
              "launcher, plain-HTTP cache (before re-recording)",
              Map.of("REGISTRY_INTEGRITY_CACHE", plainCache.toString()),
              () -> forgetTlsWanted(plainCache),
              verify);
      Path tlsCache = Path.of("target/bench-start-cache-tls").toAbsolutePath();
      Map<String, String> tlsEnv = Map.of("REGISTRY_INTEGRITY_CACHE", tlsCache.toString());
      ColdRuns.deleteTree(tlsCache.toFile());
      record(verify, tlsEnv, tlsCache);
      ColdRuns.Timing tlsTrained =
          ColdRuns.time("launcher, cache from a TLS first run", tlsEnv, () -> {}, verify);
      ColdRuns.Timing http1 = http1Registry(pki, login);
      List<String> jar =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  Path.of("target/registry-integrity.jar").toAbsolutePath().toString(),
                  "verify",
                  "--brief"));
      jar.addAll(login);
      jar.add(ref);
      ColdRuns.Timing plainJar = ColdRuns.time("java -jar (no cache)", jar);
      Path certs = Files.createTempDirectory("skopeo-certs");
      Files.copy(pki.caCert, certs.resolve("ca.crt"));
      ColdRuns.Timing skopeo =
          skopeo(
              ref,
              List.of(
                  "--src-cert-dir",
                  certs.toString(),
                  "--src-creds",
                  BenchImage.USER + ":" + BenchImage.PASSWORD));
      ColdRuns.deleteTree(certs.toFile());
      ColdRuns.Timing floor =
          curlFloor(
              bench,
              "https",
              List.of(
                  "--http2",
                  "--cacert",
                  pki.caCert.toString(),
                  "-u",
                  BenchImage.USER + ":" + BenchImage.PASSWORD));
      ColdRuns.print(
          "over TLS with basic auth (a private CA, htpasswd), cold",
          List.of(plainTrained, tlsTrained, http1, plainJar, skopeo, floor));
      System.out.printf(
          Locale.ROOT,
          "TLS + auth vs plain HTTP (launcher): %.2fx the time; vs skopeo over TLS: %.1fx faster%n",
          tlsTrained.median() / (double) plainLauncher.median(),
          skopeo.median() / (double) tlsTrained.median());
      System.out.printf(
          Locale.ROOT,
          "the floor (curl, every request at once): %d ms over TLS + auth against %d ms over plain"
              + " HTTP, %.2fx%n",
          floor.median(),
          plainFloor.median(),
          floor.median() / (double) plainFloor.median());
    }
  }

  /**
   * What a user waits for: each command as a new process, start to exit. The launcher with its AOT
   * cache (made by the runs before), its first run (which records the cache), the jar without any
   * cache, and two yardsticks: the sequential curl walk a shell probe does and skopeo copying
   * everything (a real client's pull, bytes included).
   */
  private static ColdRuns.Timing coldProcesses(String ref, ColdRuns.Timing floor) throws Exception {
    Path cache = Path.of("target/bench-start-cache").toAbsolutePath();
    Map<String, String> env = Map.of("REGISTRY_INTEGRITY_CACHE", cache.toString());
    List<String> verify =
        List.of("bin/registry-integrity", "verify", "--plain-http", "--brief", ref);
    ColdRuns.Setup clearCache =
        () -> {
          awaitAssembly(cache);
          ColdRuns.deleteTree(cache.toFile());
        };
    ColdRuns.Timing firstRun =
        ColdRuns.time("launcher, first run (records the cache)", env, clearCache, verify);
    clearCache.run();
    record(verify, env, cache);
    ColdRuns.Timing launcher =
        ColdRuns.time("bin/registry-integrity verify (AOT cache)", env, () -> {}, verify);
    String jar = Path.of("target/registry-integrity.jar").toAbsolutePath().toString();
    ColdRuns.Timing plain =
        ColdRuns.time(
            "java -jar (no cache)",
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar,
                "verify",
                "--plain-http",
                "--brief",
                ref));
    ColdRuns.Timing curl =
        ColdRuns.time(
            "sequential curl walk (scripts/bench/curl-walk)",
            List.of("scripts/bench/curl-walk", ref));
    ColdRuns.Timing skopeo = skopeo(ref, List.of("--src-tls-verify=false"));
    ColdRuns.print(
        "cold processes: each run a new process, start to exit",
        List.of(launcher, firstRun, plain, curl, skopeo, floor));
    System.out.printf(
        Locale.ROOT,
        "launcher vs the curl walk: %.1fx faster; vs skopeo: %.1fx faster%n",
        curl.median() / (double) launcher.median(),
        skopeo.median() / (double) launcher.median());
    return launcher;
  }

  /**
   * The registry's and the network's floor for this image at the default 8 requests in flight: curl
   * (no start-up to speak of) asking for all of the image's paths at once, without waiting for one
   * level to name the next, the password sent with the first request (curl -u), every answer cut to
   * its first byte; over HTTPS on one HTTP/2 connection, over plain HTTP on up to 8, as our client
   * does. Its TLS row less its plain row is what TLS and the password cost the registry and the
   * network; a client allowed more in flight could beat either row.
   */
  private static ColdRuns.Timing curlFloor(BenchImage bench, String scheme, List<String> options)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-sSf",
                "--parallel",
                "--parallel-max",
                "8",
                "-r",
                "0-0",
                "-H",
                "Accept: application/vnd.oci.image.index.v1+json,"
                    + "application/vnd.oci.image.manifest.v1+json"));
    command.addAll(options);
    String base = scheme + "://" + bench.proxy.address() + "/v2/bench/app/";
    List<String> paths = bench.paths();
    for (String path : paths) {
      command.addAll(List.of("-o", "/dev/null", base + path));
    }
    return ColdRuns.time("the floor: curl, all " + paths.size() + " requests at once", command);
  }

  /**
   * The launcher, its cache recorded there, against the same image in a registry that offers
   * HTTP/1.1 only: what HTTP/2 changes, everything else equal (the fallback's one extra handshake
   * included, as a user of such a registry pays it).
   */
  private static ColdRuns.Timing http1Registry(
      dev.registryintegrity.fixture.TestPki pki, List<String> login) throws Exception {
    try (BenchImage bench = BenchImage.startTlsWithoutHttp2(pki)) {
      List<String> verify = launcherVerify(login, bench.reference());
      Path cache = Path.of("target/bench-start-cache-http1").toAbsolutePath();
      Map<String, String> env = Map.of("REGISTRY_INTEGRITY_CACHE", cache.toString());
      ColdRuns.deleteTree(cache.toFile());
      record(verify, env, cache);
      return ColdRuns.time("the same, registry without HTTP/2 (HTTP/1.1)", env, () -> {}, verify);
    }
  }

  private static List<String> launcherVerify(List<String> login, String ref) {
    List<String> verify = new ArrayList<>(List.of("bin/registry-integrity", "verify", "--brief"));
    verify.addAll(login);
    verify.add(ref);
    return verify;
  }

  private static void forgetTlsWanted(Path cache) {
    try (java.util.stream.Stream<Path> files = Files.list(cache)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".tls-wanted")).toList()) {
        Files.delete(f);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One launcher run that records the start-up cache in {@code cache}, then its assembly. */
  private static void record(List<String> verify, Map<String, String> env, Path cache)
      throws Exception {
    ProcessBuilder run =
        new ProcessBuilder(verify)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    run.environment().putAll(env);
    run.start().waitFor();
    awaitAssembly(cache);
  }

  /** skopeo copying every platform of {@code ref} (a real client's pull), cold. */
  private static ColdRuns.Timing skopeo(String ref, List<String> source) throws Exception {
    Path copy = Files.createTempDirectory("skopeo-bench");
    List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--all"));
    command.addAll(source);
    command.addAll(List.of("docker://" + ref, "oci:" + copy.resolve("oci") + ":x"));
    ColdRuns.Timing t =
        ColdRuns.time(
            "skopeo copy --all (a real pull)",
            Map.of(),
            () -> ColdRuns.deleteTree(copy.resolve("oci").toFile()),
            command);
    ColdRuns.deleteTree(copy.toFile());
    return t;
  }

  /** The launcher assembles a recorded cache in the background; wait until it is done. */
  private static void awaitAssembly(Path cache) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean pending;
      try (Stream<Path> files = Files.exists(cache) ? Files.list(cache) : Stream.empty()) {
        pending = files.anyMatch(f -> f.getFileName().toString().endsWith(".aotconf"));
      }
      if (!pending) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "the start-up cache in " + cache + " was not assembled within a minute");
  }
}
