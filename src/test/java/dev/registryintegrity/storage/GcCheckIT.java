package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.Child;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.ReferrerSeeder.Artifact;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Skopeo;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * gc-check's prediction held against the real collector of this run's registry version: what
 * distribution 2.8's or v3's own {@code garbage-collect} then deletes is exactly what gc-check
 * named, and the kept tag pulls (or not) as gc-check said.
 */
class GcCheckIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  private SeededImage incident(String repo) throws Exception {
    SeededImage image =
        REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "latest", "keep");
    REGISTRY.deleteTagDirectory(repo, "latest");
    return image;
  }

  @Test
  void theIncidentsCollectionIsPredictedExactlyAndBreaksTheKeptTagOnlyOn28() throws Exception {
    SeededImage image = incident("gc-incident");
    Path root = REGISTRY.storageDirectory();
    Cli.Run check = CollectorState.predict(REGISTRY);
    JsonObject report = check.json();
    Set<String> before = CollectorState.of(root);
    String ref = REGISTRY.host() + "/gc-incident:keep";
    if (REGISTRY.implementation() == Implementation.V3) {
      assertEquals(0, check.exitCode(), "v3 marks an index's children: " + check.all());
      assertTrue(report.getAsJsonArray("breaks").isEmpty(), check.all());
      REGISTRY.garbageCollect(true);
      assertEquals(
          CollectorState.predicted(report),
          CollectorState.removed(before, CollectorState.of(root)),
          "predicted = what v3 deleted");
      assertEquals(0, Cli.run("verify", ref).exitCode(), "v3 kept every child of the kept index");
      assertEquals(0, Cli.run("fsck", root.toString()).exitCode());
      Skopeo.assertPulls(ref);
      return;
    }
    assertEquals(1, check.exitCode(), "the collection would break the kept tag: " + check.all());
    JsonArray breaks = report.getAsJsonArray("breaks");
    assertFalse(breaks.isEmpty());
    Set<String> broken = new TreeSet<>();
    breaks.forEach(b -> broken.add(b.getAsJsonObject().get("tag").getAsString()));
    assertTrue(broken.contains("gc-incident:keep"), broken.toString());
    assertFalse(broken.contains("gc-safe:v1"), "a tag without an index loses nothing: " + broken);
    Set<String> unlinked = new TreeSet<>();
    breaks.forEach(
        b -> {
          JsonObject o = b.getAsJsonObject();
          if (o.get("tag").getAsString().equals("gc-incident:keep")
              && o.get("lost").getAsString().equals("revision link")) {
            unlinked.add(o.get("digest").getAsString());
          }
        });
    assertEquals(
        dev.registryintegrity.fixture.Reports.strings(image.manifestDigestsBelowTop()),
        unlinked,
        "every child manifest of the kept index is named as losing its link");
    Cli.Run text =
        Cli.run("gc-check", "--delete-untagged", "--registry-version", "2", root.toString());
    assertTrue(text.out().contains("NOT SAFE"), text.out());

    REGISTRY.garbageCollect(true);
    assertEquals(
        CollectorState.predicted(report),
        CollectorState.removed(before, CollectorState.of(root)),
        "predicted = what 2.8 deleted");
    assertEquals(1, Cli.run("verify", ref).exitCode());
    Skopeo.assertCannotPull(ref, "manifest unknown");
  }

  @Test
  void aCollectionThatBreaksNoTagIsSafeAndDeletesWhatWasPredicted() throws Exception {
    SeededImage kept = REGISTRY.seeder().pushImage("gc-safe", ImageSpec.singlePlatform(), "v1");
    REGISTRY.seeder().pushImage("gc-safe", ImageSpec.singlePlatform().seed(7), "old");
    REGISTRY.deleteTagDirectory("gc-safe", "old");
    Path root = REGISTRY.storageDirectory();
    Cli.Run check = CollectorState.predict(REGISTRY);
    assertEquals(0, check.exitCode(), check.all());
    Set<String> predicted = CollectorState.predicted(check.json());
    assertFalse(predicted.isEmpty(), "the dropped tag's manifest and blobs go");
    Set<String> before = CollectorState.of(root);
    REGISTRY.garbageCollect(true);
    assertEquals(predicted, CollectorState.removed(before, CollectorState.of(root)));
    assertEquals(
        0,
        Cli.run(
                "verify",
                "--expected-digest",
                kept.top("v1").digest().toString(),
                REGISTRY.host() + "/gc-safe:v1")
            .exitCode());
  }

  @Test
  void aLayerLinkOnlyALaterRepositoryMarksIsPredictedToGoOnV3AndToStayOn28() throws Exception {
    SeededImage dropped =
        REGISTRY.seeder().pushImage("gc-order-a", ImageSpec.singlePlatform().seed(11), "old");
    // a real client's copy: gc-order-b links the very blobs gc-order-a holds
    Skopeo.copy(
        "docker://" + REGISTRY.host() + "/gc-order-a:old",
        "docker://" + REGISTRY.host() + "/gc-order-b:v1");
    REGISTRY.deleteTagDirectory("gc-order-a", "old");
    Path root = REGISTRY.storageDirectory();
    Cli.Run check = CollectorState.predict(REGISTRY);
    assertEquals(0, check.exitCode(), check.all());
    Set<String> predicted = CollectorState.predicted(check.json());
    Child shared = dropped.children().get(0);
    Set<String> sharedBlobs = new TreeSet<>();
    sharedBlobs.add(shared.config().digest().toString());
    shared.layers().forEach(l -> sharedBlobs.add(l.digest().toString()));
    for (String blob : sharedBlobs) {
      assertFalse(predicted.contains("blob " + blob), "gc-order-b keeps " + blob);
      assertEquals(
          REGISTRY.implementation() == Implementation.V3,
          predicted.contains("layer gc-order-a@" + blob),
          "v3 drops gc-order-a's link before it marks gc-order-b; 2.8 drops no layer link: "
              + predicted);
    }
    Set<String> before = CollectorState.of(root);
    REGISTRY.garbageCollect(true);
    assertEquals(predicted, CollectorState.removed(before, CollectorState.of(root)));
    Skopeo.assertPulls(REGISTRY.host() + "/gc-order-b:v1");
    assertEquals(
        0,
        Cli.run(
                "verify",
                "--expected-digest",
                dropped.top("old").digest().toString(),
                REGISTRY.host() + "/gc-order-b:v1")
            .exitCode());
  }

  @Test
  void anOci11ReferrerInItsFallbackTagIsLostOn28AndKeptOnV3ACosignTagOnBoth() throws Exception {
    SeededImage image =
        REGISTRY.seeder().pushImage("gc-referrers", ImageSpec.singlePlatform().seed(13), "v1");
    ReferrerSeeder referrers = new ReferrerSeeder(REGISTRY.seeder());
    Artifact signature = referrers.signWithCosignTag("gc-referrers", image.top("v1"));
    Artifact sbom =
        referrers.attach(
            "gc-referrers",
            image.top("v1"),
            "application/spdx+json",
            "application/spdx+json",
            "{\"spdxVersion\":\"SPDX-2.3\"}");
    Path root = REGISTRY.storageDirectory();
    Cli.Run check = CollectorState.predict(REGISTRY);
    Set<String> predicted = CollectorState.predicted(check.json());
    Set<String> before = CollectorState.of(root);
    REGISTRY.garbageCollect(true);
    assertEquals(
        predicted,
        CollectorState.removed(before, CollectorState.of(root)),
        "predicted = what the collector did");
    String ref = REGISTRY.host() + "/gc-referrers:v1";
    String fallback = "gc-referrers:sha256-" + image.top("v1").digest().hex();
    assertFalse(
        predicted.contains("revision gc-referrers@" + signature.manifest().digest()),
        "the cosign signature is tagged, so every version keeps it");
    if (REGISTRY.implementation() == Implementation.V3) {
      assertEquals(0, check.exitCode(), check.all());
      assertEquals(0, Cli.run("verify", "--referrers", ref).exitCode());
      return;
    }
    // 2.8 treats the untagged SBOM like an index child: its link goes, and its blobs with it.
    assertEquals(1, check.exitCode(), check.all());
    assertTrue(
        predicted.contains("revision gc-referrers@" + sbom.manifest().digest()),
        predicted.toString());
    Set<String> broken = new TreeSet<>();
    check
        .json()
        .getAsJsonArray("breaks")
        .forEach(b -> broken.add(b.getAsJsonObject().get("tag").getAsString()));
    // the fallback tag loses its child, and the subject's tag loses a referrer
    assertEquals(Set.of(fallback, "gc-referrers:v1"), broken);
    Cli.Run verify = Cli.run("verify", "--referrers", "--format", "json", ref);
    assertEquals(1, verify.exitCode(), verify.all());
    assertTrue(
        dev.registryintegrity.fixture.Reports.failingDigests(verify.json())
            .contains(sbom.manifest().digest().toString()),
        verify.out());
    Skopeo.assertCannotPull(REGISTRY.host() + "/" + fallback, "manifest unknown");
  }
}
