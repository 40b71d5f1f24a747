package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/registry-integrity, as a user runs it: a new JVM per run, the start-up cache made from the
 * first real run without delaying it or touching its output, then used; anything wrong with the
 * cache costs speed, never a result.
 */
class LauncherIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  private static final dev.registryintegrity.fixture.TestPki PKI =
      dev.registryintegrity.fixture.TestPki.create();

  @RegisterExtension
  static final RegistryFixture TLS =
      RegistryFixture.create()
          .withTls(PKI.serverCert, PKI.serverKey, dev.registryintegrity.fixture.TestPki.trustAll());

  @TempDir Path cache;

  private record Run(int exitCode, String stdout, String stderr) {}

  private Run launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bin/registry-integrity"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("REGISTRY_INTEGRITY_CACHE", cache.toString());
    // Options of the machine running the tests are not the launcher's to meet here.
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().putAll(env);
    Path out = Files.createTempFile(cache.getParent(), "launcher-out", "");
    Path err = Files.createTempFile(cache.getParent(), "launcher-err", "");
    Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher finished");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private String pushedImage(String name) throws Exception {
    String repo = REGISTRY.uniqueRepo(name);
    REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "v1");
    return REGISTRY.host() + "/" + repo + ":v1";
  }

  private List<Path> files(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(cache)) {
      return s.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
    }
  }

  private Path awaitCache(String suffix) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (files(suffix).isEmpty()) {
      assertTrue(
          Instant.now().isBefore(deadline),
          "no "
              + suffix
              + " in "
              + cache
              + " after 30 s: "
              + (Files.exists(cache.resolve("last-assembly.log"))
                  ? Files.readString(cache.resolve("last-assembly.log"))
                  : ""));
      Thread.sleep(100);
    }
    return files(suffix).get(0);
  }

  /** A recording is assembled in the background; let it finish before the directory goes. */
  @AfterEach
  void awaitAssembly() throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (!files(".aotconf").isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
  }

  @Test
  void aCacheRecordedWithoutTlsIsRecordedAgainByARunThatUsesTls() throws Exception {
    Run plainRun = launch(Map.of(), "verify", "--plain-http", "--brief", pushedImage("plain"));
    assertEquals(0, plainRun.exitCode(), plainRun.stderr());
    Path plain = awaitCache(".plain.aot");

    TLS.seeder().pushImage("launcher/tls", ImageSpec.multiPlatform(), "v1");
    String[] tlsRun = {
      "verify", "--brief", "--ca-cert", PKI.caCert.toString(), TLS.host() + "/launcher/tls:v1"
    };
    Map<String, String> debug = Map.of("REGISTRY_INTEGRITY_LAUNCHER_DEBUG", "1");
    Run fromPlain = launch(debug, tlsRun);
    assertEquals(0, fromPlain.exitCode(), fromPlain.stderr());
    assertTrue(fromPlain.stderr().contains("-XX:AOTCache=" + plain), fromPlain.stderr());
    assertEquals(1, files(".tls-wanted").size(), "the run said it used TLS");

    Run recording = launch(debug, tlsRun);
    assertEquals(0, recording.exitCode(), recording.stderr());
    assertTrue(recording.stderr().contains("-XX:AOTMode=record"), recording.stderr());
    Instant deadline = Instant.now().plusSeconds(30);
    while (Files.exists(plain) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    List<Path> covering =
        files(".aot").stream().filter(f -> !f.toString().endsWith(".plain.aot")).toList();
    assertEquals(1, covering.size(), "the cache that covers TLS replaced the plain one");
    assertTrue(files(".tls-wanted").isEmpty() && files(".plain.aot").isEmpty());

    Run fromTls = launch(debug, tlsRun);
    assertEquals(0, fromTls.exitCode(), fromTls.stderr());
    assertTrue(fromTls.stderr().contains("-XX:AOTCache=" + covering.get(0)), fromTls.stderr());
  }

  @Test
  void theFirstRunRecordsWithoutTouchingItsOutputAndLaterRunsStartFromTheCache() throws Exception {
    String ref = pushedImage("launcher");
    Run first = launch(Map.of(), "verify", "--plain-http", "--format", "json", ref);
    assertEquals(0, first.exitCode(), first.stderr());
    // The whole of standard output is the report: the JVM's "recorded" line must not be in it.
    assertEquals(
        0, JsonParser.parseString(first.stdout()).getAsJsonObject().get("exitCode").getAsInt());
    assertEquals("", first.stderr());
    Path aot = awaitCache(".aot");
    assertTrue(Files.size(aot) > 1_000_000, "an AOT cache of real size: " + Files.size(aot));

    Run second =
        launch(
            Map.of("REGISTRY_INTEGRITY_LAUNCHER_DEBUG", "1"),
            "verify",
            "--plain-http",
            "--brief",
            ref);
    assertEquals(0, second.exitCode(), second.stderr());
    assertTrue(second.stderr().contains("-XX:AOTCache=" + aot), second.stderr());
    assertTrue(second.stdout().contains("INTACT: 1 image"), second.stdout());
    assertTrue(files(".aotconf").isEmpty(), "the recording is removed once assembled");

    // The cache is one the JVM really maps for this jar: with AOTMode=on it refuses to start
    // otherwise.
    Matcher command =
        Pattern.compile("launcher: (\\S+) -XX:AOTCache=\\S+ .*-jar (\\S+)")
            .matcher(second.stderr());
    assertTrue(command.find(), second.stderr());
    Process strict =
        new ProcessBuilder(
                command.group(1),
                "-XX:AOTMode=on",
                "-XX:AOTCache=" + aot,
                "-jar",
                command.group(2),
                "version")
            .redirectErrorStream(true)
            .start();
    String strictOut = new String(strict.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(strict.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, strict.exitValue(), strictOut);
  }

  @Test
  void aCorruptCacheCostsSpeedNotTheResult() throws Exception {
    String ref = pushedImage("corrupt");
    assertEquals(0, launch(Map.of(), "verify", "--plain-http", ref).exitCode());
    Path aot = awaitCache(".aot");
    Files.write(aot, "not a cache".getBytes(StandardCharsets.UTF_8));
    Run run = launch(Map.of(), "verify", "--plain-http", "--brief", ref);
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(
        "", run.stderr(), "the JVM's complaint about the cache stays out of the user's way");
    assertTrue(run.stdout().contains("INTACT: 1 image"), run.stdout());
  }

  @Test
  void theExitCodeOfARecordedRunIsTheCommandsOwn() throws Exception {
    Run missing =
        launch(
            Map.of(),
            "verify",
            "--plain-http",
            REGISTRY.host() + "/" + REGISTRY.uniqueRepo("absent") + ":v1");
    assertEquals(1, missing.exitCode(), missing.stdout() + missing.stderr());
    Run usage = launch(Map.of(), "verify", "--concurrency", "zero", "x");
    assertEquals(2, usage.exitCode());
    assertTrue(usage.stderr().startsWith("registry-integrity: error: "), usage.stderr());
  }

  @Test
  void layoutRunsAndHelpDoNotMakeAPoorCache() throws Exception {
    assertEquals(0, launch(Map.of(), "verify", "oci:examples/layouts/healthy:latest").exitCode());
    assertEquals(0, launch(Map.of(), "verify", "--help").exitCode());
    Thread.sleep(500);
    assertTrue(
        files(".aot").isEmpty() && files(".aotconf").isEmpty(),
        "nothing recorded for runs without HTTP");
  }

  @Test
  void onJdk21To24TheLauncherKeepsAnAppCdsArchiveInstead() throws Exception {
    String ref = pushedImage("cds");
    Map<String, String> cds = Map.of("REGISTRY_INTEGRITY_CACHE_KIND", "cds");
    assertEquals(0, launch(cds, "verify", "--plain-http", ref).exitCode());
    Path jsa = awaitCache(".jsa");
    Run second =
        launch(
            Map.of(
                "REGISTRY_INTEGRITY_CACHE_KIND", "cds", "REGISTRY_INTEGRITY_LAUNCHER_DEBUG", "1"),
            "verify",
            "--plain-http",
            "--brief",
            ref);
    assertEquals(0, second.exitCode(), second.stderr());
    assertTrue(second.stdout().contains("INTACT: 1 image"), second.stdout());
    assertTrue(Files.size(jsa) > 100_000);
  }

  private static final String PRINT_FLAGS = "-XX:+PrintCommandLineFlags";

  /**
   * The flags the JVM runs with, as it prints them for {@link #PRINT_FLAGS} on standard output (the
   * line of -XX: flags; the JVM's own log lines may come before it).
   */
  private static List<String> jvmFlags(Run run) {
    return run.stdout()
        .lines()
        .filter(line -> line.startsWith("-XX:"))
        .findFirst()
        .map(line -> List.of(line.trim().split(" ")))
        .orElse(List.of());
  }

  /**
   * The flags StartUpFlagsTest keeps equal to the image's are the ones the JVM runs with, as the
   * JVM itself prints them, without a cache and from one. (The serial collector alone would prove
   * little: a small machine's JVM picks it by itself; the compiler thresholds it never does.)
   */
  @Test
  void theJvmRunsWithTheLaunchersStartUpFlagsWithoutACacheAndFromOne() throws Exception {
    List<String> declared = StartUpFlagsTest.launcherFlags();
    Run noCache =
        launch(
            Map.of(
                "REGISTRY_INTEGRITY_JAVA_OPTS",
                PRINT_FLAGS,
                "REGISTRY_INTEGRITY_START_CACHE",
                "off"),
            "version");
    assertEquals(0, noCache.exitCode(), noCache.stderr());
    assertTrue(jvmFlags(noCache).containsAll(declared), declared + " vs " + jvmFlags(noCache));

    String ref = pushedImage("flags");
    Map<String, String> withCache =
        Map.of(
            "REGISTRY_INTEGRITY_JAVA_OPTS", PRINT_FLAGS, "REGISTRY_INTEGRITY_LAUNCHER_DEBUG", "1");
    Run recording = launch(withCache, "verify", "--plain-http", "--brief", ref);
    assertEquals(0, recording.exitCode(), recording.stderr());
    Path aot = awaitCache(".aot");
    Run cached = launch(withCache, "verify", "--plain-http", "--brief", ref);
    assertEquals(0, cached.exitCode(), cached.stderr());
    assertTrue(cached.stderr().contains("-XX:AOTCache=" + aot), cached.stderr());
    assertTrue(jvmFlags(cached).containsAll(declared), declared + " vs " + jvmFlags(cached));
  }

  /**
   * A collector the user names, in the launcher's variable or in either the JVM reads itself,
   * replaces the launcher's: two collectors would stop the JVM. The other flags stay.
   */
  @Test
  void aCollectorTheUserNamesReplacesTheLaunchersOwn() throws Exception {
    List<String> others =
        StartUpFlagsTest.launcherFlags().stream().filter(f -> !f.endsWith("GC")).toList();
    String parallel = "-XX:+UseParallelGC";
    Map<String, Map<String, String>> theirs =
        Map.of(
            "REGISTRY_INTEGRITY_JAVA_OPTS",
            Map.of("REGISTRY_INTEGRITY_JAVA_OPTS", PRINT_FLAGS + " " + parallel),
            "JAVA_TOOL_OPTIONS",
            Map.of("REGISTRY_INTEGRITY_JAVA_OPTS", PRINT_FLAGS, "JAVA_TOOL_OPTIONS", parallel),
            "JDK_JAVA_OPTIONS",
            Map.of("REGISTRY_INTEGRITY_JAVA_OPTS", PRINT_FLAGS, "JDK_JAVA_OPTIONS", parallel));
    for (Map.Entry<String, Map<String, String>> where : theirs.entrySet()) {
      Run run = launch(where.getValue(), "version");
      assertEquals(0, run.exitCode(), where.getKey() + ": " + run.stderr());
      List<String> running = jvmFlags(run);
      assertTrue(running.contains(parallel), where.getKey() + ": " + running);
      assertFalse(running.contains("-XX:+UseSerialGC"), where.getKey() + ": " + running);
      assertTrue(running.containsAll(others), where.getKey() + ": " + running);
    }
  }

  @Test
  void withTheCacheOffItIsPlainJavaJar() throws Exception {
    Run run = launch(Map.of("REGISTRY_INTEGRITY_START_CACHE", "off"), "version");
    assertEquals(0, run.exitCode());
    assertTrue(run.stdout().startsWith("registry-integrity "), run.stdout());
    assertTrue(files("").isEmpty(), "nothing written to the cache directory");
  }

  @Test
  void aMissingJarOrJavaIsOneLineNamingTheFix() throws Exception {
    Run noJar =
        launch(Map.of("REGISTRY_INTEGRITY_JAR", "/nonexistent/registry-integrity.jar"), "version");
    assertEquals(2, noJar.exitCode());
    assertEquals(1, noJar.stderr().lines().count(), noJar.stderr());
    assertTrue(noJar.stderr().contains("set REGISTRY_INTEGRITY_JAR"), noJar.stderr());
    // A JAVA_HOME older than 21 is passed over for one that can run the jar.
    Path jdk17 = Files.createDirectories(cache.getParent().resolve("jdk-17"));
    Files.writeString(jdk17.resolve("release"), "JAVA_VERSION=\"17.0.12\"\n");
    Path java = Files.createDirectories(jdk17.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'this JDK 17 must not run' >&2\nexit 99\n");
    assertTrue(java.toFile().setExecutable(true));
    Run old =
        launch(
            Map.of("JAVA_HOME", jdk17.toString(), "REGISTRY_INTEGRITY_START_CACHE", "off"),
            "version");
    assertEquals(0, old.exitCode(), old.stderr());
    assertFalse(old.stdout().isEmpty());
  }
}
