package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FaultProxy;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.ReferrerSeeder.Artifact;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention against a real registry and its real collector: what is kept verifies and pulls after
 * {@code garbage-collect} (without {@code --delete-untagged}), what is dropped is gone from
 * storage, and nothing is deleted where it must not be.
 */
class RetainIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @RegisterExtension
  static final RegistryFixture NO_DELETES = RegistryFixture.create().withDeletesDisabled();

  private static final String SBOM = "application/spdx+json";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * Six tags built on six days; {@code stable} on v2's manifest; v3 and v5 multi-platform indexes
   * with attestations; a cosign signature on v1 (dropped) and v5 (kept); an OCI 1.1 SBOM on v3
   * (dropped) and v5 (kept); an untagged image in use, named by digest.
   */
  private record Fixture(
      String repository,
      Map<String, SeededImage> images,
      Map<String, Artifact> signatures,
      Map<String, Artifact> sboms,
      Map<String, Digest> fallbackTags,
      SeededImage pinned,
      Path inUse) {

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
  }

  private static Fixture seed(RegistryFixture registry, String name) throws Exception {
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
      fallbackTags.put(tag, resolve(registry, repository, fallback));
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
    return new Fixture(repository, images, signatures, sboms, fallbackTags, pinned, inUse);
  }

  private static String[] retain(Fixture f, String where, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "retain",
                "--keep-newest",
                "2",
                "--keep-tag",
                "^stable$",
                "--keep-digests",
                f.inUse().toString()));
    args.addAll(List.of(more));
    args.add(where);
    return args.toArray(String[]::new);
  }

  @Test
  void applyKeepsExactlyTheKeptClosureAndThePlainCollectorReclaimsTheRest() throws Exception {
    Fixture f = seed(REGISTRY, "retain/app");
    Map<String, Digest> tagsBefore = tags(REGISTRY, f.repository());
    Map<Path, Long> filesBefore = files(REGISTRY.storageRoot());

    // The plan deletes nothing and sends no DELETE.
    Cli.Run plan;
    try (FaultProxy proxy = new FaultProxy(REGISTRY.baseUri())) {
      plan = Cli.run(retain(f, proxy.host() + "/" + f.repository(), "--format", "json"));
      assertTrue(
          proxy.seen().stream().noneMatch(s -> s.method().equals("DELETE")),
          "a plan sent a DELETE: " + proxy.seen());
    }
    assertEquals(0, plan.exitCode(), plan.all());
    assertEquals(filesBefore, files(REGISTRY.storageRoot()), "the plan changed storage");
    JsonObject planned = plan.json().getAsJsonArray("repositories").get(0).getAsJsonObject();
    assertEquals("drop tag", fate(planned, "v2"), plan.out());
    long reclaimable = planned.get("reclaimableBytes").getAsLong();

    Cli.Run apply = Cli.run(retain(f, REGISTRY.host() + "/" + f.repository(), "--apply"));
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
    assertEquals(expected, new TreeMap<>(tags(REGISTRY, f.repository())), apply.out());

    // The collector as an operator runs it after retention: no --delete-untagged.
    Map<Path, Long> beforeCollection = files(REGISTRY.storageRoot().resolve("blobs"));
    REGISTRY.garbageCollect(false);
    REGISTRY.restart();
    Map<Path, Long> afterCollection = files(REGISTRY.storageRoot().resolve("blobs"));
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
    // The dropped images' blobs are gone, but for those another repository of this registry
    // also holds (the collector keeps a blob any repository links): the estimate counted those.
    Set<Digest> elsewhere = linkedByOtherRepositories(REGISTRY, f.repository());
    long left = 0;
    for (Digest d : f.dropped()) {
      boolean gone = !Files.exists(REGISTRY.blobDataPath(d));
      assertTrue(gone || elsewhere.contains(d), d + " of a dropped image was not reclaimed");
      if (!gone) {
        left += Files.size(REGISTRY.blobDataPath(d));
      }
    }
    for (Digest d : f.kept()) {
      assertTrue(Files.exists(REGISTRY.blobDataPath(d)), d + " of a kept image was collected");
    }
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
    assertEquals(Set.of("r1", "r2", "r3", "hotfix"), tags(REGISTRY, repository).keySet());
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
    Fixture f = seed(NO_DELETES, "retain/off");
    Map<Path, Long> before = files(NO_DELETES.storageRoot());
    Cli.Run apply = Cli.run(retain(f, NO_DELETES.host() + "/" + f.repository(), "--apply"));
    assertEquals(3, apply.exitCode(), apply.all());
    assertTrue(apply.all().contains("storage.delete.enabled: true"), apply.all());
    assertTrue(apply.all().contains("nothing was deleted"), apply.all());
    assertEquals(before, files(NO_DELETES.storageRoot()), "storage changed with deletes off");
    // Why a tag delete is never asked to tell: 3.0.0 deletes a tag even with deletes off.
    int tagDelete = delete(NO_DELETES, f.repository(), "v1");
    if (NO_DELETES.implementation() == Implementation.V3 && registry3Is("v3.0.0")) {
      assertEquals(202, tagDelete, "3.0.0 deleted a tag with deletes off");
    } else {
      assertEquals(405, tagDelete);
    }
  }

  @Test
  void onStorageTheTagOnAKeptManifestGoesAloneOnEitherVersion() throws Exception {
    Fixture f = seed(REGISTRY, "retain/disk");
    Map<String, Digest> tagsBefore = tags(REGISTRY, f.repository());
    REGISTRY.stopRegistry();
    Cli.Run apply;
    try {
      Map<Path, Long> before = files(REGISTRY.storageRoot());
      Cli.Run plan =
          Cli.run(retain(f, f.repository(), "--storage", REGISTRY.storageDirectory().toString()));
      assertEquals(0, plan.exitCode(), plan.all());
      assertEquals(before, files(REGISTRY.storageRoot()), "the plan changed storage");
      apply =
          Cli.run(
              retain(
                  f,
                  f.repository(),
                  "--storage",
                  REGISTRY.storageDirectory().toString(),
                  "--apply"));
      assertEquals(0, apply.exitCode(), apply.all());
      REGISTRY.garbageCollect(false);
    } finally {
      REGISTRY.startRegistry();
    }
    Digest v5 = f.images().get("v5").top("v5").digest();
    assertEquals(
        new TreeSet<>(
            Set.of(
                "v5",
                "v6",
                "stable",
                v5.algorithm() + "-" + v5.hex() + ".sig",
                v5.algorithm() + "-" + v5.hex())),
        new TreeSet<>(tags(REGISTRY, f.repository()).keySet()),
        apply.out());
    assertEquals(tagsBefore.get("stable"), tags(REGISTRY, f.repository()).get("stable"));
    for (String reference :
        List.of(
            f.repository() + ":v5",
            f.repository() + ":v6",
            f.repository() + ":stable",
            f.repository() + "@" + f.pinned().top("pinned").digest())) {
      Cli.Run verify =
          Cli.run("verify", "--blob-check", "content", REGISTRY.host() + "/" + reference);
      assertEquals(0, verify.exitCode(), reference + "\n" + verify.all());
    }
    Set<Digest> elsewhere = linkedByOtherRepositories(REGISTRY, f.repository());
    for (Digest d : f.dropped()) {
      assertTrue(
          !Files.exists(REGISTRY.blobDataPath(d)) || elsewhere.contains(d),
          d + " of a dropped image was not reclaimed");
    }
  }

  @Test
  void theExampleScriptRetainsThenGatesThenCollectsWithoutDeleteUntagged() throws Exception {
    Fixture f = seed(REGISTRY, "retain/script");
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                "examples/retention/retain-and-collect.sh",
                REGISTRY.storageDirectory().toString(),
                REGISTRY.configFile().toString(),
                REGISTRY.implementation().version().substring(0, 1)));
    command.addAll(
        List.of(
            "--keep-newest",
            "2",
            "--keep-tag",
            "^stable$",
            "--keep-digests",
            f.inUse().toString(),
            f.repository()));
    ProcessBuilder script = new ProcessBuilder(command).redirectErrorStream(true);
    // The jar Maven just built, run by the JDK running this test; the registry's own binary.
    script
        .environment()
        .put(
            "REGISTRY_INTEGRITY",
            Path.of(System.getProperty("java.home"), "bin", "java")
                + " -jar "
                + System.getProperty("project.jar", "target/registry-integrity.jar"));
    script
        .environment()
        .put(
            "REGISTRY_BIN",
            RegistryFixture.processBinary(REGISTRY.implementation()).orElseThrow().toString());
    REGISTRY.stopRegistry();
    String out;
    int exit;
    try {
      Process p = script.start();
      out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      exit = p.waitFor();
    } finally {
      REGISTRY.startRegistry();
    }
    assertEquals(0, exit, out);
    assertTrue(out.contains("done: restart the registry"), out);
    for (String tag : List.of("v5", "v6", "stable")) {
      Cli.Run verify =
          Cli.run(
              "verify",
              "--blob-check",
              "content",
              REGISTRY.host() + "/" + f.repository() + ":" + tag);
      assertEquals(0, verify.exitCode(), tag + "\n" + verify.all());
    }
    Set<Digest> elsewhere = linkedByOtherRepositories(REGISTRY, f.repository());
    for (Digest d : f.dropped()) {
      assertTrue(
          !Files.exists(REGISTRY.blobDataPath(d)) || elsewhere.contains(d),
          d + " of a dropped image was not reclaimed");
    }
  }

  private static String fate(JsonObject repository, String tag) {
    for (JsonElement t : repository.getAsJsonArray("tags")) {
      if (t.getAsJsonObject().get("tag").getAsString().equals(tag)) {
        return t.getAsJsonObject().get("fate").getAsString();
      }
    }
    throw new AssertionError("no tag " + tag + " in " + repository);
  }

  /** Every tag and the digest it resolves to, asked of the registry. */
  private static Map<String, Digest> tags(RegistryFixture registry, String repository)
      throws Exception {
    HttpResponse<String> list =
        HTTP.send(
            HttpRequest.newBuilder(
                    registry.baseUri().resolve("/v2/" + repository + "/tags/list?n=1000"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, list.statusCode(), list.body());
    Map<String, Digest> tags = new HashMap<>();
    JsonObject body = com.google.gson.JsonParser.parseString(list.body()).getAsJsonObject();
    if (body.get("tags").isJsonArray()) {
      for (JsonElement t : body.getAsJsonArray("tags")) {
        tags.put(t.getAsString(), resolve(registry, repository, t.getAsString()));
      }
    }
    return tags;
  }

  private static Digest resolve(RegistryFixture registry, String repository, String tag)
      throws Exception {
    HttpResponse<Void> head =
        HTTP.send(
            HttpRequest.newBuilder(
                    registry.baseUri().resolve("/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header(
                    "Accept",
                    String.join(
                        ", ",
                        "application/vnd.oci.image.index.v1+json",
                        "application/vnd.oci.image.manifest.v1+json",
                        "application/vnd.docker.distribution.manifest.list.v2+json",
                        "application/vnd.docker.distribution.manifest.v2+json"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode(), repository + ":" + tag);
    return Digest.parse(head.headers().firstValue("Docker-Content-Digest").orElseThrow());
  }

  private static int delete(RegistryFixture registry, String repository, String reference)
      throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    registry.baseUri().resolve("/v2/" + repository + "/manifests/" + reference))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static boolean registry3Is(String version) throws Exception {
    Process p =
        new ProcessBuilder(Implementation.registry3Binary().toString(), "--version")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out.contains(" " + version);
  }

  /** Every file under {@code root} and its size: what "nothing changed" compares. */
  private static Map<Path, Long> files(Path root) throws IOException {
    Map<Path, Long> files = new TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p), Files.size(p));
      }
    }
    return files;
  }

  /** The blobs other repositories link (layers, configs, manifests): the collector keeps them. */
  private static Set<Digest> linkedByOtherRepositories(RegistryFixture registry, String repository)
      throws IOException {
    Set<Digest> linked = new HashSet<>();
    Path repositories = registry.storageRoot().resolve("repositories");
    try (Stream<Path> walk = Files.walk(repositories)) {
      for (Path link : walk.filter(p -> p.getFileName().toString().equals("link")).toList()) {
        String relative = repositories.relativize(link).toString();
        if (relative.startsWith(repository + "/_")) {
          continue;
        }
        String text = Files.readString(link).strip();
        if (text.startsWith("sha256:")) {
          linked.add(Digest.parse(text));
        }
      }
    }
    return linked;
  }
}
