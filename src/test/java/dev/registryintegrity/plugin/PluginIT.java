package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plugin image under a real OCI runtime, run as Woodpecker runs a plugin step. */
class PluginIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static SeededImage healthy;
  private static SeededImage broken;
  private static String healthyRepo;
  private static String brokenRepo;

  @TempDir Path dir;

  @BeforeAll
  static void seed() throws Exception {
    PluginContainer.requireImage();
    broken = REGISTRY.seeder().pushImage("broken-ci", ImageSpec.multiPlatform(), "old", "new");
    brokenRepo = REGISTRY.host() + "/broken-ci";
    REGISTRY.loseIndexChildren("broken-ci", "old", broken);
    // After the collection: distribution 2.8 deletes the children of every tagged OCI index.
    healthyRepo = REGISTRY.host() + "/infra-ci";
    healthy =
        REGISTRY.seeder().pushImage("infra-ci", ImageSpec.multiPlatform(), "latest", "5319f03e");
  }

  private Path workspace() throws Exception {
    return PluginContainer.workspaceIn(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"push", "tag", "pull_request", "manual", "cron", "deployment"})
  void healthyImagePassesQuietlyOnEveryEvent(String event) throws Exception {
    PluginContainer.Result r =
        PluginContainer.step()
            .env("CI_PIPELINE_EVENT", event)
            .setting("repo", healthyRepo)
            .setting("tags", "latest,5319f03e")
            .run();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(r.log().contains("pipeline #42 (" + event + ") of owner/repo at 5319f03e"), r.log());
    assertTrue(
        r.log().contains("ok  " + healthyRepo + ":latest -> " + healthy.top("latest").digest()),
        r.log());
    assertTrue(r.log().contains("INTACT"), r.log());
    assertTrue(r.raw().contains("\u001b[32mok\u001b[0m"), "Woodpecker renders ANSI colours");
    assertTrue(r.log().lines().count() < 20, "a green step log stays short:\n" + r.log());
  }

  @Test
  void incidentFailsTheStepAndTheLogNamesEveryMissingDigest() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step().setting("repo", brokenRepo).setting("tags", "new").run();
    assertEquals(1, r.exitCode(), r.log());
    for (Digest missing : broken.manifestDigestsBelowTop()) {
      assertTrue(
          r.log().contains("MISSING") && r.log().contains(missing.toString()),
          missing + " not named:\n" + r.log());
    }
  }

  @Test
  void verifyContentHashesEveryBlobAndTheHeaderSaysSo() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", healthyRepo)
            .setting("tags", "latest")
            .setting("verify_content", "true")
            .setting("log_level", "debug")
            .run();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(
        r.log()
            .contains("blob check:  content (every byte downloaded and hashed against its digest)"),
        r.log());
    assertTrue(
        r.log()
            .lines()
            .filter(l -> l.trim().startsWith("layer") && !l.contains("shared, listed above"))
            .allMatch(l -> l.contains("ok hashed")),
        r.log());
    assertTrue(r.log().contains("blob check content"), r.log());
  }

  @Test
  void dotTagsFileInTheWorkspaceIsPickedUp() throws Exception {
    Path ws = workspace();
    Files.writeString(ws.resolve(".tags"), "latest,5319f03e\n");
    PluginContainer.Result r =
        PluginContainer.step().workspace(ws).setting("repo", healthyRepo).run();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(r.log().contains(healthyRepo + ":5319f03e"), r.log());
  }

  @Test
  void aPlatformMissingFromTheIndexFailsTheStep() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", healthyRepo)
            .setting("platforms", "linux/amd64,linux/riscv64")
            .run();
    assertEquals(1, r.exitCode(), r.log());
    assertTrue(r.log().contains("platform linux/riscv64 is not in the index"), r.log());
  }

  @Test
  void aTagThatPointsElsewhereThanExpectedFailsTheStep() throws Exception {
    Path ws = workspace();
    Files.writeString(
        ws.resolve("metadata.json"),
        "{\"containerimage.digest\":\"" + healthy.top("5319f03e").digest() + "\"}");
    PluginContainer.Result r =
        PluginContainer.step()
            .workspace(ws)
            .setting("repo", healthyRepo)
            .setting("tags", "latest")
            .setting("metadata_file", "metadata.json")
            .run();
    assertEquals(1, r.exitCode(), r.log());
    assertTrue(r.log().contains("TAG-MOVED"), r.log());
  }

  @Test
  void aTypodSettingFailsTheStepNamingTheRightOne() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", healthyRepo)
            .setting("platfroms", "linux/amd64,linux/s390x")
            .run();
    // A green step would have dropped the platform requirement without a word.
    assertEquals(2, r.exitCode(), r.log());
    assertEquals(
        "registry-integrity: error: unknown setting 'platfroms' (PLUGIN_PLATFROMS): did you mean"
            + " 'platforms'?",
        r.log().strip());
  }

  @Test
  void noSettingsExitsTwoWithWhatToSet() throws Exception {
    PluginContainer.Result r = PluginContainer.step().run();
    assertEquals(2, r.exitCode(), r.log());
    assertTrue(
        r.log().contains("the plugin step has no settings: set repo (with tags) or images"),
        r.log());
    assertEquals(1, r.log().strip().lines().count(), r.log());
  }

  @Test
  void malformedSettingExitsTwoNamingIt() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step().setting("repo", healthyRepo).setting("concurrency", "many").run();
    assertEquals(2, r.exitCode(), r.log());
    assertTrue(
        r.log().contains("setting concurrency (PLUGIN_CONCURRENCY) is 'many': use a whole number"),
        r.log());
  }

  @Test
  void jsonReportAppearsInTheWorkspaceAsTheCloneStepLeftIt() throws Exception {
    Path ws = workspace();
    Path reports = ws.resolve("reports");
    PluginContainer.Result r =
        PluginContainer.step()
            .workspace(ws)
            .setting("repo", brokenRepo)
            .setting("tags", "new")
            .setting("report", "reports/integrity.json")
            .run();
    assertEquals(1, r.exitCode(), r.log());
    JsonObject report =
        JsonParser.parseString(Files.readString(reports.resolve("integrity.json")))
            .getAsJsonObject();
    assertEquals(1, report.get("exitCode").getAsInt());
    assertEquals(broken.manifestDigestsBelowTop().size(), report.getAsJsonArray("failures").size());
  }

  @Test
  void aReportThatCannotBeWrittenFailsAnIntactStepAndABrokenOneKeepsItsVerdict() throws Exception {
    Path ws = workspace();
    // A later step reads the report: an intact run without it must not look green.
    Files.writeString(ws.resolve("not-a-directory"), "a file");
    PluginContainer.Result r =
        PluginContainer.step()
            .workspace(ws)
            .setting("repo", healthyRepo)
            .setting("report", "not-a-directory/integrity.json")
            .run();
    assertEquals(2, r.exitCode(), r.log());
    assertTrue(
        r.log().contains("error: could not write the JSON report to " + PluginContainer.WORKSPACE),
        r.log());
    assertFalse(r.log().contains("Exception"), "no exception class names: " + r.log());
    PluginContainer.Result broken =
        PluginContainer.step()
            .workspace(ws)
            .setting("repo", brokenRepo)
            .setting("tags", "new")
            .setting("report", "not-a-directory/integrity.json")
            .run();
    assertEquals(1, broken.exitCode(), broken.log());
  }

  @Test
  void dryRunChecksNothingAndPasses() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", brokenRepo)
            .setting("tags", "new")
            .setting("dry_run", "true")
            .run();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(r.log().contains("dry run: settings are valid; nothing was checked"), r.log());
  }

  @Test
  void thePluginVerifiesItsOwnPushedImage() throws Exception {
    String target = REGISTRY.host() + "/registry-integrity:dogfood";
    Process push =
        new ProcessBuilder(
                "skopeo",
                "copy",
                "--dest-tls-verify=false",
                "containers-storage:" + PluginContainer.image(),
                "docker://" + target)
            .redirectErrorStream(true)
            .start();
    String pushLog = new String(push.getInputStream().readAllBytes());
    assertTrue(push.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, push.exitValue(), pushLog);
    PluginContainer.Result r =
        PluginContainer.step().setting("images", target).setting("log_level", "debug").run();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(r.log().contains("layer"), r.log());
    assertNotEquals(-1, r.log().indexOf("INTACT"), r.log());
  }

  @Test
  void oneMissingChildOfAFiftyPlatformIndexIsInTheFirstLinesOfAShortLog() throws Exception {
    String[] platforms =
        java.util.stream.IntStream.range(0, 50)
            .mapToObj(i -> "linux/arch" + i)
            .toArray(String[]::new);
    SeededImage wide =
        REGISTRY
            .seeder()
            .pushImage(
                "wide-ci",
                ImageSpec.multiPlatform().platforms(platforms).layers(1).attestations(false),
                "v1");
    dev.registryintegrity.model.Digest gone = wide.child("linux/arch17").manifest().digest();
    REGISTRY.deleteRevisionLink("wide-ci", gone);
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", REGISTRY.host() + "/wide-ci")
            .setting("tags", "v1")
            .run();
    assertEquals(1, r.exitCode(), r.log());
    java.util.List<String> lines = r.log().lines().toList();
    assertTrue(lines.size() < 80, lines.size() + " lines:\n" + r.log());
    int first = -1;
    for (int i = 0; i < lines.size() && first < 0; i++) {
      first = lines.get(i).contains(gone.toString()) ? i : -1;
    }
    assertTrue(
        first >= 0 && first < 25, "the missing digest is on line " + first + ":\n" + r.log());
  }
}
