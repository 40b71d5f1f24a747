package dev.registryintegrity.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.cli.Main;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FaultProxy;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.Pushgateway;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe against a real registry holding several repositories with more tags than a page, some
 * intact, one broken by the real garbage collector, one missing a layer.
 */
class ProbeIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static final String PAGE = "2";
  private static int expectedDigests;
  private static SeededImage layerless;

  @TempDir Path dir;

  @BeforeAll
  static void seed() throws Exception {
    ImageSeeder seeder = REGISTRY.seeder();
    SeededImage broken = seeder.pushImage("broken-ci", ImageSpec.multiPlatform(), "old", "new");
    REGISTRY.loseIndexChildren("broken-ci", "old", broken);
    // Everything else after the collection: distribution 2.8 removes the children of every
    // tagged OCI index it finds.
    SeededImage one =
        seeder.pushImage("apps/one", ImageSpec.multiPlatform(), "v1", "v2", "v3", "v4", "v5");
    SeededImage two = seeder.pushImage("apps/two", ImageSpec.singlePlatform(), "a", "b", "c");
    layerless = seeder.pushImage("apps/layerless", ImageSpec.multiPlatform(), "v1");
    REGISTRY.deleteLayerLink(
        "apps/layerless", layerless.child("linux/arm64").layers().get(2).digest());
    SeededImage skip = seeder.pushImage("other/skipme", ImageSpec.singlePlatform(), "x");
    SeededImage march =
        seeder.pushImage(
            "dated/app",
            ImageSpec.singlePlatform().created("2026-03-01T00:00:00Z").seed(1),
            "march");
    SeededImage may =
        seeder.pushImage(
            "dated/app", ImageSpec.singlePlatform().created("2026-05-01T00:00:00Z").seed(2), "may");
    SeededImage january =
        seeder.pushImage(
            "dated/app",
            ImageSpec.singlePlatform().created("2026-01-01T00:00:00Z").seed(3),
            "january");
    Set<Digest> oneDigests = new HashSet<>();
    for (String tag : new String[] {"v1", "v2", "v3", "v4", "v5"}) {
      oneDigests.addAll(one.digestsOf(tag));
    }
    // broken-ci: the index and its 4 missing children; nothing below them can be reached
    expectedDigests =
        5
            + oneDigests.size()
            + two.digestsOf("a").size()
            + layerless.digestsOf("v1").size()
            + skip.digestsOf("x").size()
            + march.digestsOf("march").size()
            + may.digestsOf("may").size()
            + january.digestsOf("january").size();
  }

  private static Map<String, Double> parse(String exposition) {
    Map<String, Double> values = new HashMap<>();
    Matcher m =
        Pattern.compile("(?m)^(registry_manifest_integrity_[a-z_]+)(\\{[^}]*})? (\\S+)$")
            .matcher(exposition);
    while (m.find()) {
      String labels = m.group(2) == null ? "" : m.group(2);
      Matcher repo = Pattern.compile("repository=\"([^\"]*)\",kind=\"([^\"]*)\"").matcher(labels);
      String key =
          repo.find() ? m.group(1) + "{" + repo.group(1) + "," + repo.group(2) + "}" : m.group(1);
      values.merge(key, Double.parseDouble(m.group(3)), Double::sum);
    }
    return values;
  }

  private String[] probe(String... extra) {
    String[] base = {"probe", "--registry", REGISTRY.host(), "--page-size", PAGE};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return args;
  }

  @Test
  void metricsCountExactlyWhatTheRegistryHolds() throws Exception {
    Path textfile = dir.resolve("collector/registry.prom");
    Cli.Run run = Cli.run(probe("--textfile", textfile.toString()));
    assertEquals(1, run.exitCode(), run.all());
    Map<String, Double> m = parse(Files.readString(textfile));
    assertEquals(1.0, m.get("registry_manifest_integrity_catalog_accessible"));
    assertEquals(6.0, m.get("registry_manifest_integrity_repos_checked"));
    assertEquals(14.0, m.get("registry_manifest_integrity_tags_checked"));
    assertEquals(7.0, m.get("registry_manifest_integrity_indexes_checked"));
    assertEquals(5.0, m.get("registry_manifest_integrity_failures"));
    assertEquals(0.0, m.get("registry_manifest_integrity_probe_errors"));
    assertEquals((double) expectedDigests, m.get("registry_manifest_integrity_digests_checked"));
    assertEquals(2.0, m.get("registry_manifest_integrity_repo_failures{broken-ci,manifest}"));
    assertEquals(2.0, m.get("registry_manifest_integrity_repo_failures{broken-ci,attestation}"));
    assertEquals(1.0, m.get("registry_manifest_integrity_repo_failures{apps/layerless,layer}"));
    // The failing tags, each by name, and no series for the twelve intact ones.
    String exposition = Files.readString(textfile);
    assertTrue(
        exposition.contains(
            "registry_manifest_integrity_probe_tag_failures{instance=\""
                + REGISTRY.host()
                + "\",repository=\"broken-ci\",tag=\"new\"} 4\n"),
        exposition);
    assertTrue(
        exposition.contains(
            "registry_manifest_integrity_probe_tag_failures{instance=\""
                + REGISTRY.host()
                + "\",repository=\"apps/layerless\",tag=\"v1\"} 1\n"),
        exposition);
    assertEquals(
        2, exposition.split("\nregistry_manifest_integrity_probe_tag_failures\\{").length - 1);
    assertTrue(
        Math.abs(
                m.get("registry_manifest_integrity_last_run_timestamp")
                    - System.currentTimeMillis() / 1000.0)
            < 120);
    assertFalse(m.containsKey("registry_manifest_integrity_last_success_timestamp_seconds"));
    // Failures only: intact images are not listed, broken digests are, with their path.
    assertFalse(run.out().contains("apps/two:a"), run.out());
    assertTrue(
        run.out().contains(layerless.child("linux/arm64").layers().get(2).digest().toString()),
        run.out());
    assertPromtoolAccepts(textfile);
  }

  @Test
  void aTextRunKeepsOnlyWhatIsNotIntactAndCountsTheSameAsAJsonRun() {
    ProbeResult text = probeInProcess(false);
    ProbeResult json = probeInProcess(true);
    assertEquals(14, json.report().images().size(), "the JSON report keeps every tag's graph");
    // broken-ci:new and apps/layerless:v1: the only graphs a text run holds to the end.
    assertEquals(2, text.report().images().size(), text.report().images().toString());
    assertTrue(
        text.report().images().stream()
            .noneMatch(i -> i.verdict() == dev.registryintegrity.walk.Verdict.OK));
    assertEquals(json.report().imageCount(), text.report().imageCount());
    assertEquals(json.report().counts(), text.report().counts());
    assertEquals(json.report().exitCode(), text.report().exitCode());
    assertEquals(json.digestsChecked(), text.digestsChecked());
    assertEquals(json.repositories(), text.repositories());
  }

  private static ProbeResult probeInProcess(boolean keepIntact) {
    ProbeOptions options =
        new ProbeOptions(
            dev.registryintegrity.reference.RegistryName.parse(REGISTRY.host()),
            java.util.List.of(),
            java.util.List.of(),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            100,
            Shard.all(),
            0,
            keepIntact);
    return new Prober(
            options,
            dev.registryintegrity.verify.CheckSettings.builder(
                    dev.registryintegrity.model.Spelling.CLI)
                .timeout(java.time.Duration.ofMinutes(2))
                .build(),
            Clock.systemUTC(),
            dev.registryintegrity.registry.transport.Sleeper.system(),
            null)
        .run();
  }

  @Test
  void includeAndExcludeGlobsChooseRepositories() {
    Cli.Run run = Cli.run(probe("--include", "apps/**", "--exclude", "apps/layerless"));
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.out().contains("INTACT: 2 repositories, 8 tags"), run.out());
  }

  @Test
  void shardsSplitTheRepositoriesAndAddUpToTheWhole() throws Exception {
    double repos = 0;
    double failures = 0;
    for (int shard = 0; shard < 3; shard++) {
      Path file = dir.resolve("shard" + shard + ".prom");
      Cli.run(probe("--shard", shard + "/3", "--textfile", file.toString()));
      Map<String, Double> m = parse(Files.readString(file));
      repos += m.get("registry_manifest_integrity_repos_checked");
      failures += m.get("registry_manifest_integrity_failures");
      assertTrue(Files.readString(file).contains("shard=\"" + shard + "\""));
    }
    assertEquals(6.0, repos);
    assertEquals(5.0, failures);
  }

  @Test
  void tagsPerRepoKeepsTheNewestByTheImagesCreatedTime() throws Exception {
    Cli.Run run =
        Cli.run(probe("--include", "dated/*", "--tags-per-repo", "2", "--format", "json"));
    assertEquals(0, run.exitCode(), run.all());
    Set<String> checked = new HashSet<>();
    run.json()
        .getAsJsonArray("images")
        .forEach(i -> checked.add(i.getAsJsonObject().get("reference").getAsString()));
    assertEquals(
        Set.of(REGISTRY.host() + "/dated/app:may", REGISTRY.host() + "/dated/app:march"), checked);
  }

  @Test
  void pushgatewayGetsTheGaugesAndAPushReplacesStaleSeries() throws Exception {
    try (Pushgateway gateway = new Pushgateway()) {
      Cli.Run run =
          Cli.run(probe("--pushgateway", gateway.uri().toString(), "--instance", "registry-a"));
      assertEquals(1, run.exitCode(), run.all());
      String pushed = gateway.metrics();
      assertTrue(
          pushed.contains(
              "registry_manifest_integrity_failures{instance=\"registry-a\",job=\"registry_manifest_integrity\"} 5"),
          pushed);
      assertTrue(pushed.contains("repository=\"broken-ci\""), pushed);
      Cli.Run again =
          Cli.run(
              probe(
                  "--pushgateway",
                  gateway.uri().toString(),
                  "--instance",
                  "registry-a",
                  "--exclude",
                  "broken-ci"));
      assertEquals(1, again.exitCode(), again.all());
      String replaced = gateway.metrics();
      assertFalse(
          replaced.contains("repository=\"broken-ci\""),
          "a recovered repository's series must vanish:\n" + replaced);
      assertTrue(
          replaced.contains(
              "registry_manifest_integrity_failures{instance=\"registry-a\",job=\"registry_manifest_integrity\"} 1"),
          replaced);
    }
  }

  @Test
  void serverModeServesMetricsFromRunsOnAnIntervalAndLaterRunsReuseManifestBodies()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (FaultProxy proxy = new FaultProxy(REGISTRY.baseUri())) {
      StringWriter out = new StringWriter();
      String[] args = {
        "probe",
        "--registry",
        proxy.host(),
        "--page-size",
        PAGE,
        "--listen",
        "127.0.0.1:" + port,
        "--interval",
        "1s",
        "--include",
        "apps/one"
      };
      Thread server =
          Thread.ofVirtual()
              .start(
                  () ->
                      Main.run(
                          args,
                          new Main.Environment(Map.of(), System.in, Clock.systemUTC(), false),
                          new PrintWriter(out),
                          new PrintWriter(out)));
      try {
        String first = waitForMetrics(port);
        assertEquals("ok\n", get(port, "/healthz"));
        String page = get(port, "/");
        assertTrue(page.contains("<h1>INTACT</h1>"), page);
        assertTrue(page.contains("<td>apps/one</td><td>intact</td><td>5</td>"), page);
        com.google.gson.JsonObject status =
            com.google.gson.JsonParser.parseString(get(port, "/status.json")).getAsJsonObject();
        assertEquals("intact", status.get("verdict").getAsString());
        assertEquals(1, status.getAsJsonObject("rows").get("total").getAsInt());
        assertTrue(get(port, "/status.css").contains("header.broken"));
        double firstRun = parse(first).get("registry_manifest_integrity_last_run_timestamp");
        assertEquals(5.0, parse(first).get("registry_manifest_integrity_tags_checked"));
        assertTrue(
            parse(first).containsKey("registry_manifest_integrity_last_success_timestamp_seconds"));
        assertTrue(
            proxy.seen().stream()
                .anyMatch(r -> r.method().equals("GET") && r.path().contains("/manifests/")));
        proxy.reset();
        long giveUp = System.nanoTime() + 20_000_000_000L;
        double laterRun = firstRun;
        while (laterRun <= firstRun && System.nanoTime() < giveUp) {
          Thread.sleep(100);
          laterRun =
              parse(get(port, "/metrics")).get("registry_manifest_integrity_last_run_timestamp");
        }
        assertTrue(laterRun > firstRun, "no second run within 20 s: " + first);
        // Manifests never change: a later run asks whether they are still served (HEAD), not for
        // them.
        assertTrue(
            proxy.seen().stream()
                .anyMatch(r -> r.method().equals("HEAD") && r.path().contains("/manifests/")));
        assertTrue(
            proxy.seen().stream()
                .noneMatch(r -> r.method().equals("GET") && r.path().contains("/manifests/")),
            proxy.seen().toString());
      } finally {
        server.interrupt();
        server.join(10_000);
      }
    }
  }

  private static String waitForMetrics(int port) throws Exception {
    for (int i = 0; i < 200; i++) {
      try {
        String body = get(port, "/metrics");
        if (body.contains("last_run_timestamp")) {
          return body;
        }
      } catch (java.io.IOException notYet) {
        // the server or its first run is not there yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no metrics served on port " + port);
  }

  private static String get(int port, String path) throws java.io.IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    try {
      return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  /** Prometheus's own parser as the judge of the exposition format. */
  static void assertPromtoolAccepts(Path metrics) throws Exception {
    Process p =
        new ProcessBuilder("promtool", "check", "metrics")
            .redirectInput(metrics.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
  }
}
