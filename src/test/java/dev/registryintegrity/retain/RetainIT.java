package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FaultProxy;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.model.Digest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention against a real registry's API and its real collector: what is kept verifies and pulls
 * after {@code garbage-collect} (without {@code --delete-untagged}), what is dropped is gone from
 * storage, and nothing is deleted where it must not be.
 */
class RetainIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @RegisterExtension
  static final RegistryFixture NO_DELETES = RegistryFixture.create().withDeletesDisabled();

  @Test
  void applyKeepsExactlyTheKeptClosureAndThePlainCollectorReclaimsTheRest() throws Exception {
    RetainScenario f = RetainScenario.seed(REGISTRY, "retain/app");
    Map<String, Digest> tagsBefore = RegistryState.tags(REGISTRY, f.repository());
    Map<Path, Long> filesBefore = RegistryState.files(REGISTRY.storageRoot());

    // The plan deletes nothing and sends no DELETE.
    Cli.Run plan;
    try (FaultProxy proxy = new FaultProxy(REGISTRY.baseUri())) {
      plan = Cli.run(f.retain(proxy.host() + "/" + f.repository(), "--format", "json"));
      assertTrue(
          proxy.seen().stream().noneMatch(s -> s.method().equals("DELETE")),
          "a plan sent a DELETE: " + proxy.seen());
      // Named, the repository is listed once: that listing also proves it exists.
      assertEquals(
          1,
          proxy.seen().stream()
              .filter(s -> s.path().equals("/v2/" + f.repository() + "/tags/list"))
              .count(),
          "tag listings: " + proxy.seen());
    }
    assertEquals(0, plan.exitCode(), plan.all());
    assertEquals(
        filesBefore, RegistryState.files(REGISTRY.storageRoot()), "the plan changed storage");
    JsonObject planned = plan.json().getAsJsonArray("repositories").get(0).getAsJsonObject();
    assertEquals("drop_tag", RegistryState.fate(planned, "v2"), plan.out());
    long reclaimable = planned.get("reclaimableBytes").getAsLong();

    Cli.Run apply = Cli.run(f.retain(REGISTRY.host() + "/" + f.repository(), "--apply"));
    assertEquals(0, apply.exitCode(), apply.all());

    // Exactly the kept set keeps its tags; on v3 the tag on a kept manifest goes alone.
    Map<String, Digest> expected = new TreeMap<>();
    for (String tag : List.of("v5", "v6", "stable")) {
      expected.put(tag, tagsBefore.get(tag));
    }
    Digest v5 = f.images().get("v5").top("v5").digest();
    String v5Signature = v5.algorithm() + "-" + v5.hex() + ".sig";
    expected.put(v5Signature, tagsBefore.get(v5Signature));
    expected.put(v5.algorithm() + "-" + v5.hex(), f.fallbackTags().get("v5"));
    if (REGISTRY.implementation() == Implementation.V2_8) {
      expected.put("v2", tagsBefore.get("v2"));
      assertTrue(apply.out().contains("kept anyway v2 "), apply.out());
    }
    assertEquals(
        expected, new TreeMap<>(RegistryState.tags(REGISTRY, f.repository())), apply.out());

    // The collector as an operator runs it after retention: no --delete-untagged.
    Map<Path, Long> beforeCollection = RegistryState.files(REGISTRY.storageRoot().resolve("blobs"));
    REGISTRY.garbageCollect(false);
    REGISTRY.restart();
    Map<Path, Long> afterCollection = RegistryState.files(REGISTRY.storageRoot().resolve("blobs"));
    long freed = 0;
    for (Map.Entry<Path, Long> e : beforeCollection.entrySet()) {
      if (!afterCollection.containsKey(e.getKey())) {
        freed += e.getValue();
      }
    }

    List<String> keptReferences = new ArrayList<>();
    for (String tag : expected.keySet()) {
      if (!tag.startsWith("sha256-")) {
        keptReferences.add(REGISTRY.host() + "/" + f.repository() + ":" + tag);
      }
    }
    keptReferences.add(
        REGISTRY.host() + "/" + f.repository() + "@" + f.pinned().top("pinned").digest());
    for (String reference : keptReferences) {
      Cli.Run verify = Cli.run("verify", "--blob-check", "content", "--referrers", reference);
      assertEquals(0, verify.exitCode(), reference + "\n" + verify.all());
      Skopeo.assertPulls(reference);
    }
    long left = f.assertDroppedCollected(REGISTRY);
    assertEquals(reclaimable, freed + left, "the plan's reclaimable bytes against the collector's");
  }

  @Test
  void aTagPushedOrMovedWhileApplyingKeepsWhatItReaches() throws Exception {
    String repository = REGISTRY.uniqueRepo("retain/race");
    ImageSeeder seeder = REGISTRY.seeder();
    Map<String, ImageSpec> specs = new HashMap<>();
    for (int day = 1; day <= 3; day++) {
      specs.put(
          "r" + day,
          ImageSpec.singlePlatform().seed(20 + day).created("2026-04-0" + day + "T10:00:00Z"));
      seeder.pushImage(repository, specs.get("r" + day), "r" + day);
    }
    try (FaultProxy proxy = new FaultProxy(REGISTRY.baseUri())) {
      // Another pipeline pushes just after the plan, before the first deletion: a hotfix tag on
      // r1's manifest (which the plan drops), and r2 moved to a new build.
      proxy.before(
          FaultProxy.matching("DELETE", "/manifests/sha256:0{64}$"),
          () -> {
            seeder.pushImage(repository, specs.get("r1"), "hotfix");
            seeder.pushImage(
                repository,
                ImageSpec.singlePlatform().seed(29).created("2026-04-02T12:00:00Z"),
                "r2");
          },
          1);
      Cli.Run apply =
          Cli.run("retain", "--keep-newest", "1", "--apply", proxy.host() + "/" + repository);
      assertEquals(0, apply.exitCode(), apply.all());
      assertTrue(apply.out().contains("raced: tag hotfix was pushed since the plan"), apply.out());
      assertTrue(apply.out().contains("raced: tag r2 moved since the plan"), apply.out());
    }
    // r1 stays too: its manifest now carries hotfix, and a delete by digest would take both.
    assertEquals(
        Set.of("r1", "r2", "r3", "hotfix"), RegistryState.tags(REGISTRY, repository).keySet());
    REGISTRY.garbageCollect(false);
    REGISTRY.restart();
    for (String tag : List.of("hotfix", "r1", "r2", "r3")) {
      Cli.Run verify =
          Cli.run(
              "verify", "--blob-check", "content", REGISTRY.host() + "/" + repository + ":" + tag);
      assertEquals(0, verify.exitCode(), tag + "\n" + verify.all());
    }
  }

  @Test
  void withDeletesOffNothingChangesAndTheSettingIsNamed() throws Exception {
    RetainScenario f = RetainScenario.seed(NO_DELETES, "retain/off");
    f.assertDeletesOffChangeNothing(NO_DELETES);
    // 2.8 and 3.1.1 refuse a tag DELETE with deletes off; 3.0.0 does not (Registry30IT).
    assertEquals(405, RegistryState.delete(NO_DELETES, f.repository(), "v1"));
  }

  @Test
  void aPlanListsEachRepositorysTagsOnceAndFindsTheCosignSignaturesInThatListing()
      throws Exception {
    String repository = REGISTRY.uniqueRepo("retain/count");
    ImageSeeder seeder = REGISTRY.seeder();
    seeder.pushImage(
        repository, ImageSpec.singlePlatform().seed(41).created("2026-05-01T10:00:00Z"), "r1");
    ImageSeeder.SeededImage kept =
        seeder.pushImage(
            repository, ImageSpec.singlePlatform().seed(42).created("2026-05-02T10:00:00Z"), "r2");
    Digest signed = kept.top("r2").digest();
    new ReferrerSeeder(seeder).signWithCosignTag(repository, kept.top("r2"));
    try (FaultProxy proxy = new FaultProxy(REGISTRY.baseUri())) {
      Cli.Run plan =
          Cli.run(
              "retain",
              "--keep-newest",
              "1",
              "--registry",
              proxy.host(),
              "--include",
              repository,
              "--format",
              "json");
      assertEquals(0, plan.exitCode(), plan.all());
      long listings =
          proxy.seen().stream()
              .filter(r -> r.path().equals("/v2/" + repository + "/tags/list"))
              .count();
      assertEquals(1, listings, "tag listings of " + repository + ": " + proxy.seen());
      JsonObject planned = plan.json().getAsJsonArray("repositories").get(0).getAsJsonObject();
      assertEquals(
          "keep", RegistryState.fate(planned, "sha256-" + signed.hex() + ".sig"), plan.out());
      assertEquals("drop", RegistryState.fate(planned, "r1"), plan.out());
    }
  }

  @Test
  void aRepositoryThatCannotBeReadStopsEveryDeletionEverywhere() throws Exception {
    String good = REGISTRY.uniqueRepo("retain/good");
    String bad = REGISTRY.uniqueRepo("retain/bad");
    ImageSeeder seeder = REGISTRY.seeder();
    for (String repository : List.of(good, bad)) {
      for (int day = 1; day <= 2; day++) {
        seeder.pushImage(
            repository,
            ImageSpec.singlePlatform().seed(50 + day).created("2026-06-0" + day + "T10:00:00Z"),
            "d" + day);
      }
    }
    Map<Path, Long> before = RegistryState.files(REGISTRY.storageRoot());
    try (FaultProxy proxy = new FaultProxy(REGISTRY.baseUri())) {
      proxy.answer(FaultProxy.matching("GET", "^/v2/" + bad + "/manifests/"), 500, 1000, null);
      Cli.Run apply =
          Cli.run(
              "retain",
              "--keep-newest",
              "1",
              "--retries",
              "0",
              "--apply",
              proxy.host() + "/" + good,
              proxy.host() + "/" + bad);
      assertEquals(3, apply.exitCode(), apply.all());
      assertTrue(apply.out().contains("nothing was deleted"), apply.out());
      assertTrue(
          proxy.seen().stream().noneMatch(r -> r.method().equals("DELETE")),
          "a DELETE was sent: " + proxy.seen());
    }
    assertEquals(before, RegistryState.files(REGISTRY.storageRoot()), "storage changed");
  }
}
