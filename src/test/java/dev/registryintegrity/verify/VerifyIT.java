package dev.registryintegrity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.fixture.TestPki;
import dev.registryintegrity.model.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify against a real distribution registry, with damage done the way it happens in production.
 */
class VerifyIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  private final ImageSeeder seeder = REGISTRY.seeder();

  private String ref(String repo, String tag) {
    return REGISTRY.host() + "/" + repo + ":" + tag;
  }

  @Test
  void aPlainLoopbackRegistryGivenACaIsAskedOverTlsFirstAndThenVerifiedOverPlainHttp()
      throws Exception {
    String repo = REGISTRY.uniqueRepo("tls-first");
    seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    TestPki pki = TestPki.create();
    Cli.Run run =
        Cli.run("verify", "--format", "json", "--ca-cert", pki.caCert.toString(), ref(repo, "v1"));
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(
        run.json()
            .getAsJsonArray("notes")
            .toString()
            .contains("given --ca-cert: TLS was tried first, then plain HTTP"),
        run.out());
  }

  @Test
  void healthyMultiPlatformImageWithAttestationsIsIntactWithEveryDigestChecked() throws Exception {
    String repo = REGISTRY.uniqueRepo("healthy");
    SeededImage image =
        seeder.pushImage(
            repo,
            ImageSpec.multiPlatform().platforms("linux/amd64", "linux/arm64", "linux/arm/v7"),
            "v1");
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(0, run.exitCode(), run.all());
    JsonObject report = run.json();
    assertEquals(Reports.strings(image.digestsOf("v1")), Reports.findingCodes(report).keySet());
    assertTrue(Reports.findingCodes(report).values().stream().allMatch("intact"::equals));
    // 3 platforms x (manifest + config + 2 own layers) + shared layer + 3 attestations x 3 + index
    assertEquals(
        3 * 4 + 1 + 3 * 3 + 1, report.getAsJsonObject("summary").get("digests").getAsInt());

    Cli.Run text = Cli.run("verify", "--log-level", "debug", ref(repo, "v1"));
    assertEquals(0, text.exitCode());
    assertTrue(text.out().contains("attestation  linux/arm/v7"), text.out());
    assertTrue(text.out().contains("INTACT: 1 image, 23 digests"), text.out());
  }

  @Test
  void incidentReplayedForRealTheSurvivingTagNamesExactlyTheChildrenGcRemoved() throws Exception {
    String repo = REGISTRY.uniqueRepo("infra-ci");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "latest", "5319f03e");
    assertEquals(0, Cli.run("verify", ref(repo, "latest"), ref(repo, "5319f03e")).exitCode());

    String gc = REGISTRY.loseIndexChildren(repo, "latest", image);
    assertTrue(gc.contains("eligible for deletion"), gc);

    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "5319f03e"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(
        Reports.strings(image.manifestDigestsBelowTop()), Reports.failingDigests(run.json()));
    for (JsonElement f : run.json().getAsJsonArray("failures")) {
      JsonObject failure = f.getAsJsonObject();
      assertEquals("missing", failure.get("finding").getAsString());
      JsonArray path = failure.getAsJsonArray("path");
      assertEquals(ref(repo, "5319f03e"), path.get(0).getAsString());
      assertEquals("index " + image.top("5319f03e").digest(), path.get(1).getAsString());
    }

    Cli.Run text = Cli.run("verify", ref(repo, "5319f03e"));
    assertTrue(text.out().contains("404 MANIFEST_UNKNOWN"), text.out());
    assertTrue(
        text.out()
            .contains(
                "MISSING attestation linux/amd64 "
                    + image.attestations().get(0).manifest().digest()),
        text.out());
    assertTrue(
        text.out().contains("next: the index lists a manifest that is no longer served"),
        text.out());
    Skopeo.assertCannotPull(ref(repo, "5319f03e"), "manifest unknown");
  }

  @Test
  void missingLayerIsNamedWithItsPlatformAndPath() throws Exception {
    String repo = REGISTRY.uniqueRepo("layer");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "v1");
    Digest layer = image.child("linux/arm64").layers().get(2).digest();
    REGISTRY.deleteLayerLink(repo, layer);
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(Set.of(layer.toString()), Reports.failingDigests(run.json()));
    JsonObject failure = run.json().getAsJsonArray("failures").get(0).getAsJsonObject();
    assertEquals("layer", failure.get("kind").getAsString());
    assertEquals("linux/arm64", failure.get("platform").getAsString());
    assertEquals(4, failure.getAsJsonArray("path").size());
    assertTrue(Cli.run("verify", ref(repo, "v1")).out().contains("404 BLOB_UNKNOWN"));
  }

  @Test
  void missingConfigIsAFailureOfKindConfig() throws Exception {
    String repo = REGISTRY.uniqueRepo("config");
    SeededImage image =
        seeder.pushImage(repo, ImageSpec.multiPlatform().format(ImageSeeder.Format.DOCKER), "v1");
    Digest config = image.child("linux/amd64").config().digest();
    REGISTRY.deleteLayerLink(repo, config);
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    JsonObject failure = run.json().getAsJsonArray("failures").get(0).getAsJsonObject();
    assertEquals("config", failure.get("kind").getAsString());
    assertEquals(config.toString(), failure.get("digest").getAsString());
  }

  @Test
  void missingChildOfANestedIndexIsFoundTwoLevelsDown() throws Exception {
    String repo = REGISTRY.uniqueRepo("nested");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform().withNestedIndex(), "v1");
    Digest child = image.child("linux/amd64").manifest().digest();
    REGISTRY.deleteRevisionLink(repo, child);
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(Set.of(child.toString()), Reports.failingDigests(run.json()));
    JsonArray path =
        run.json().getAsJsonArray("failures").get(0).getAsJsonObject().getAsJsonArray("path");
    assertEquals("index " + image.innerIndex().digest(), path.get(2).getAsString());
  }

  @Test
  void missingTagFailsWithTheRegistrysErrorCode() throws Exception {
    String repo = REGISTRY.uniqueRepo("notag");
    seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    Cli.Run run = Cli.run("verify", ref(repo, "v2"));
    assertEquals(1, run.exitCode(), run.all());
    assertTrue(run.out().contains("404 MANIFEST_UNKNOWN"), run.out());
    assertTrue(run.out().contains("the tag does not exist"), run.out());
  }

  @Test
  void blobWhoseStoredSizeDiffersFromItsDescriptorIsReportedAsSizeDiffers() throws Exception {
    String repo = REGISTRY.uniqueRepo("size");
    SeededImage image = seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    Digest layer = image.children().get(0).layers().get(0).digest();
    REGISTRY.overwriteBlobData(layer, new byte[] {1, 2, 3});
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals("size-differs", Reports.findingCodes(run.json()).get(layer.toString()));
  }

  @Test
  void manifestBodyThatDoesNotMatchItsDigestIsReportedAsDigestDiffers() throws Exception {
    String repo = REGISTRY.uniqueRepo("tamper");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "v1");
    Digest child = image.child("linux/amd64").manifest().digest();
    Path data = REGISTRY.blobDataPath(child);
    String body = Files.readString(data);
    // Still a valid manifest the registry serves, but not the bytes that were pushed.
    Files.writeString(data, body.replace("\"schemaVersion\":2", "\"schemaVersion\": 2"));
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals("digest-differs", Reports.findingCodes(run.json()).get(child.toString()));
  }

  @Test
  void tagsSharingChildrenAreCheckedWithOneRequestPerUniqueNode() throws Exception {
    String repo = REGISTRY.uniqueRepo("shared");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "a", "b");
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "a"), ref(repo, "b"));
    assertEquals(0, run.exitCode(), run.all());
    Set<Digest> unique = new HashSet<>(image.digestsOf("a"));
    unique.addAll(image.digestsOf("b"));
    // one GET per manifest (two tops), one HEAD per blob, nothing twice
    assertEquals(unique.size(), run.json().getAsJsonObject("summary").get("requests").getAsInt());
  }

  @Test
  void expectedDigestAndPlatformsAreEnforced() throws Exception {
    String repo = REGISTRY.uniqueRepo("expect");
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "v1");
    String top = image.top("v1").digest().toString();
    assertEquals(
        0,
        Cli.run(
                "verify",
                "--expected-digest",
                top,
                "--platform",
                "linux/amd64,linux/arm64",
                ref(repo, "v1"))
            .exitCode());
    Cli.Run moved =
        Cli.run("verify", "--expected-digest", "sha256:" + "0".repeat(64), ref(repo, "v1"));
    assertEquals(1, moved.exitCode());
    assertTrue(moved.out().contains("TAG-MOVED"), moved.out());
    Cli.Run platform = Cli.run("verify", "--platform", "linux/s390x", ref(repo, "v1"));
    assertEquals(1, platform.exitCode());
    assertTrue(platform.out().contains("platform linux/s390x is not in the index"), platform.out());
  }

  @Test
  void unreachableRegistryCannotBeCheckedAndExitsThree() {
    Cli.Run run = Cli.run("verify", "--retries", "0", "127.0.0.1:1/nothing:latest");
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(run.out().contains("cannot connect to http://127.0.0.1:1"), run.out());
    assertFalse(run.out().contains("MISSING"));
  }

  @Test
  void reportFileHoldsTheSameFactsAsJsonOutput(@TempDir Path dir) throws Exception {
    String repo = REGISTRY.uniqueRepo("report");
    seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    Path file = dir.resolve("out/report.json");
    Cli.Run run = Cli.run("verify", "--report", file.toString(), ref(repo, "v1"));
    assertEquals(0, run.exitCode(), run.all());
    JsonObject written =
        com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    assertEquals(1, written.get("schemaVersion").getAsInt());
    assertEquals(4, written.getAsJsonObject("summary").get("digests").getAsInt());
    assertNotEquals(
        0,
        written.getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonArray("nodes").size());
  }
}
