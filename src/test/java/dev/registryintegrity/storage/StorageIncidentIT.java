package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.Child;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The incident, on disk: fsck agrees with verify, and --repair restores what survived. */
class StorageIncidentIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  private static Cli.Run fsck(String... extra) {
    List<String> args = new ArrayList<>(List.of("fsck", "--format", "json"));
    args.addAll(List.of(extra));
    args.add(REGISTRY.storageDirectory().toString());
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void incidentFsckAgreesWithVerifyAndRepairRestoresWhatSurvived() throws Exception {
    ImageSeeder seeder = REGISTRY.seeder();
    SeededImage image = seeder.pushImage("incident/ci", ImageSpec.multiPlatform(), "a", "b");
    REGISTRY.loseIndexChildren("incident/ci", "a", image);
    String tag = REGISTRY.host() + "/incident/ci:b";

    Cli.Run verify = Cli.run("verify", "--format", "json", tag);
    assertEquals(1, verify.exitCode(), verify.all());
    Cli.Run fsck = fsck();
    assertEquals(1, fsck.exitCode(), fsck.all());
    Set<String> overHttp = Reports.failingDigests(verify.json());
    Set<String> onDisk = new HashSet<>();
    for (JsonElement f : fsck.json().getAsJsonArray("failures")) {
      if (f.getAsJsonObject().get("image").getAsString().equals("incident/ci:b")) {
        onDisk.add(f.getAsJsonObject().get("digest").getAsString());
      }
    }
    assertEquals(Reports.strings(image.manifestDigestsBelowTop()), overHttp);
    assertEquals(overHttp, onDisk, "fsck and verify must name the same digests");
    assertTrue(
        Reports.findings(fsck.json())
            .get(image.child("linux/amd64").manifest().digest().toString())
            .contains("REVISION_LINK_MISSING"));

    // The children's bytes survive (the index marked them); the dry run plans exactly their links.
    Cli.Run plan = fsck("--repair", "--dry-run");
    Set<String> planned = new HashSet<>();
    plan.json()
        .getAsJsonObject("storage")
        .getAsJsonArray("repairs")
        .forEach(o -> planned.add(o.getAsJsonObject().get("content").getAsString()));
    assertEquals(overHttp, planned);
    assertTrue(
        Files.notExists(
            REGISTRY
                .storageDirectory()
                .resolve("docker/registry/v2/repositories/incident/ci/_manifests/revisions/sha256")
                .resolve(image.child("linux/amd64").manifest().digest().hex())
                .resolve("link")),
        "a dry run changes nothing");

    Cli.Run repair = Cli.run("fsck", "--repair", REGISTRY.storageDirectory().toString());
    assertTrue(repair.out().contains("created "), repair.out());
    assertTrue(repair.out().contains("restart the registry"), repair.out());
    REGISTRY.restart();

    // Now served again: the child manifests. Still gone: the configs and layers GC deleted.
    Cli.Run after = Cli.run("verify", "--format", "json", tag);
    Set<String> gone = new HashSet<>();
    for (Child c : concat(image)) {
      gone.add(c.config().digest().toString());
      c.layers().forEach(l -> gone.add(l.digest().toString()));
    }
    assertEquals(1, after.exitCode(), after.all());
    assertEquals(gone, Reports.failingDigests(after.json()));
    for (String manifest : overHttp) {
      assertFalse(Reports.failingDigests(after.json()).contains(manifest));
    }
    // 2.8's collector keeps every _layers link; v3's drops the links of the blobs it deletes.
    assertTrue(
        Reports.findings(fsck().json())
            .get(image.child("linux/arm64").config().digest().toString())
            .contains(
                REGISTRY.implementation() == Implementation.V3
                    ? "LAYER_LINK_MISSING"
                    : "BLOB_DATA_MISSING"));
  }

  private static List<Child> concat(SeededImage image) {
    List<Child> all = new ArrayList<>(image.children());
    all.addAll(image.attestations());
    return all;
  }
}
