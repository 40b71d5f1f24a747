package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.ReferrerSeeder.Artifact;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Six tags built on six days; {@code stable} on v2's manifest; v3 and v5 multi-platform indexes
 * with attestations; a cosign signature on v1 (dropped) and v5 (kept); an OCI 1.1 SBOM on v3
 * (dropped) and v5 (kept); an untagged image in use, named by digest.
 */
record RetainScenario(
    String repository,
    Map<String, SeededImage> images,
    Map<String, Artifact> signatures,
    Map<String, Artifact> sboms,
    Map<String, Digest> fallbackTags,
    SeededImage pinned,
    Path inUse) {
  private static final String SBOM = "application/spdx+json";

  Set<Digest> kept() {
    Set<Digest> kept = new LinkedHashSet<>();
    for (String tag : List.of("v5", "v6", "stable")) {
      kept.addAll(images.get(tag).digestsOf(tag));
    }
    kept.addAll(artifact(signatures.get("v5")));
    kept.addAll(artifact(sboms.get("v5")));
    kept.add(fallbackTags.get("v5"));
    kept.addAll(pinned.digestsOf("pinned"));
    return kept;
  }

  /** What dropping v1, v3 and v4 leaves to the collector, shared blobs aside. */
  Set<Digest> dropped() {
    Set<Digest> dropped = new LinkedHashSet<>();
    for (String tag : List.of("v1", "v3", "v4")) {
      dropped.addAll(images.get(tag).digestsOf(tag));
    }
    dropped.addAll(artifact(signatures.get("v1")));
    dropped.addAll(artifact(sboms.get("v3")));
    dropped.add(fallbackTags.get("v3"));
    dropped.removeAll(kept());
    return dropped;
  }

  private static Set<Digest> artifact(Artifact a) {
    return Set.of(a.manifest().digest(), a.config().digest(), a.layer().digest());
  }

  static RetainScenario seed(RegistryFixture registry, String name) throws Exception {
    String repository = registry.uniqueRepo(name);
    ImageSeeder seeder = registry.seeder();
    ReferrerSeeder referrers = new ReferrerSeeder(seeder);
    Map<String, SeededImage> images = new HashMap<>();
    for (int day = 1; day <= 6; day++) {
      String tag = "v" + day;
      ImageSpec spec =
          (day == 3 || day == 5 ? ImageSpec.multiPlatform() : ImageSpec.singlePlatform())
              .seed(day)
              .created("2026-03-0" + day + "T10:00:00Z");
      SeededImage image =
          day == 2
              ? seeder.pushImage(repository, spec, tag, "stable")
              : seeder.pushImage(repository, spec, tag);
      images.put(tag, image);
      if (day == 2) {
        images.put("stable", image);
      }
    }
    Map<String, Artifact> signatures = new HashMap<>();
    Map<String, Artifact> sboms = new HashMap<>();
    Map<String, Digest> fallbackTags = new HashMap<>();
    for (String tag : List.of("v1", "v5")) {
      signatures.put(tag, referrers.signWithCosignTag(repository, images.get(tag).top(tag)));
    }
    for (String tag : List.of("v3", "v5")) {
      ImageSeeder.Blob subject = images.get(tag).top(tag);
      sboms.put(
          tag,
          referrers.attach(repository, subject, SBOM, SBOM, "{\"spdxVersion\":\"" + tag + "\"}"));
      String fallback = subject.digest().algorithm() + "-" + subject.digest().hex();
      fallbackTags.put(tag, RegistryState.resolve(registry, repository, fallback));
    }
    // In use by digest, untagged: a cleanup script dropped its tag (as 2.x and v3 store it).
    SeededImage pinned =
        seeder.pushImage(
            repository,
            ImageSpec.singlePlatform().seed(9).created("2025-12-01T10:00:00Z"),
            "pinned");
    registry.deleteTagDirectory(repository, "pinned");
    Path inUse = Files.createTempFile("in-use-", ".txt");
    Files.writeString(
        inUse,
        "# running pods\n"
            + registry.host()
            + "/"
            + repository
            + "@"
            + pinned.top("pinned").digest()
            + "\n\n");
    return new RetainScenario(repository, images, signatures, sboms, fallbackTags, pinned, inUse);
  }

  /** retain with the scenario's rules (the newest 2, stable, what is in use) and {@code more}. */
  String[] retain(String where, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "retain",
                "--keep-newest",
                "2",
                "--keep-tag",
                "^stable$",
                "--keep-digests",
                inUse().toString()));
    args.addAll(List.of(more));
    args.add(where);
    return args.toArray(String[]::new);
  }

  /**
   * retain on the registry's storage ({@link RegistryFixture#storageUrl()}) with the registry
   * stopped: the plan changes no file; then {@code --apply}, and the registry's own collector
   * (without --delete-untagged) once it is back, idle.
   *
   * @return the --apply run
   */
  Cli.Run applyOnStorageThenCollect(RegistryFixture registry) throws Exception {
    registry.stopRegistry();
    Cli.Run apply;
    try {
      Map<Path, Long> before = RegistryState.files(registry.storageRoot());
      Cli.Run plan = registry.storageTool(retain(repository, "--storage", registry.storageUrl()));
      assertEquals(0, plan.exitCode(), plan.all());
      assertEquals(before, RegistryState.files(registry.storageRoot()), "the plan changed storage");
      apply =
          registry.storageTool(retain(repository, "--storage", registry.storageUrl(), "--apply"));
      assertEquals(0, apply.exitCode(), apply.all());
    } finally {
      registry.startRegistry();
    }
    // Idle, as the collector needs it (its container backend collects in the running container).
    registry.garbageCollect(false);
    registry.restart();
    return apply;
  }

  /** The tags retention keeps: the newest two, stable, and v5's signature and SBOM tags. */
  Set<String> keptTags() {
    Digest v5 = images.get("v5").top("v5").digest();
    return new java.util.TreeSet<>(
        Set.of(
            "v5",
            "v6",
            "stable",
            v5.algorithm() + "-" + v5.hex() + ".sig",
            v5.algorithm() + "-" + v5.hex()));
  }

  /**
   * With deletes off, --apply exits 3 naming the setting and changes nothing, whatever the registry
   * would do with a tag DELETE.
   */
  void assertDeletesOffChangeNothing(RegistryFixture registry) throws Exception {
    Map<Path, Long> before = RegistryState.files(registry.storageRoot());
    Cli.Run apply = Cli.run(retain(registry.host() + "/" + repository, "--apply"));
    assertEquals(3, apply.exitCode(), apply.all());
    assertTrue(apply.all().contains("storage.delete.enabled: true"), apply.all());
    assertTrue(apply.all().contains("nothing was deleted"), apply.all());
    assertEquals(
        before, RegistryState.files(registry.storageRoot()), "storage changed with deletes off");
  }

  /** Each of {@code tags}, and the pinned untagged image, verifies with every byte hashed. */
  void assertKeptVerify(RegistryFixture registry, List<String> tags) {
    List<String> references = new ArrayList<>();
    for (String tag : tags) {
      references.add(registry.host() + "/" + repository + ":" + tag);
    }
    references.add(registry.host() + "/" + repository + "@" + pinned.top("pinned").digest());
    for (String reference : references) {
      Cli.Run verify = Cli.run("verify", "--blob-check", "content", "--referrers", reference);
      assertEquals(0, verify.exitCode(), reference + "\n" + verify.all());
    }
  }

  /**
   * The dropped images' blobs are gone from storage, but for those another repository of the
   * registry also links (the collector keeps a blob any repository links); the kept images' are all
   * there.
   *
   * @return the bytes of the dropped blobs left for that reason
   */
  long assertDroppedCollected(RegistryFixture registry) throws IOException {
    Set<Digest> elsewhere = RegistryState.linkedByOtherRepositories(registry, repository);
    long left = 0;
    for (Digest d : dropped()) {
      boolean gone = !Files.exists(registry.blobDataPath(d));
      assertTrue(gone || elsewhere.contains(d), d + " of a dropped image was not reclaimed");
      if (!gone) {
        left += Files.size(registry.blobDataPath(d));
      }
    }
    for (Digest d : kept()) {
      assertTrue(Files.exists(registry.blobDataPath(d)), d + " of a kept image was collected");
    }
    return left;
  }
}
