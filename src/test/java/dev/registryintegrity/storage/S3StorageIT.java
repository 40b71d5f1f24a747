package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.model.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The offline tools on a registry whose storage is in S3: this run's registry version with its s3
 * driver on a real S3 server (S3Proxy), the tools reading {@code s3://registry/store} through S3's
 * API, and the registry's own collector deleting from the bucket. What the bucket holds is seen
 * through S3Proxy's files, a view that is not the tool's.
 */
class S3StorageIT {
  private static final String BUCKET = "registry";
  private static final String ROOT = "store";

  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.create().withS3(BUCKET, ROOT);

  private static Cli.Run tool(String... args) {
    return Cli.run(REGISTRY.storageEnvironment(), "", args);
  }

  private static String blobKey(Digest d) {
    return REGISTRY.s3Key(
        "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data");
  }

  @Test
  void fsckPassesAHealthyBucketAndNamesALayerWhoseDataObjectIsGone() throws Exception {
    String repo = "s3/fsck";
    SeededImage image = REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "v1");
    Cli.Run healthy = tool("fsck", "--verify-content", REGISTRY.storageUrl());
    assertEquals(0, healthy.exitCode(), healthy.all());
    assertTrue(
        healthy.out().contains("s3://" + BUCKET + "/" + ROOT + "/docker/registry/v2"),
        healthy.out());

    Digest layer = image.child("linux/arm64").layers().get(1).digest();
    try (S3Client s3 = REGISTRY.s3().client()) {
      byte[] data = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(blobKey(layer))).asByteArray();
      s3.deleteObject(b -> b.bucket(BUCKET).key(blobKey(layer)));
      try {
        Cli.Run broken = tool("fsck", REGISTRY.storageUrl());
        assertEquals(1, broken.exitCode(), broken.all());
        String line =
            broken.out().lines().filter(l -> l.contains(layer.toString())).findFirst().orElse("");
        assertTrue(line.contains("no blob data"), broken.out());
        assertTrue(broken.out().contains("/data is gone"), broken.out());
      } finally {
        s3.putObject(b -> b.bucket(BUCKET).key(blobKey(layer)), RequestBody.fromBytes(data));
      }
    }
  }

  @Test
  void refsAndRetainReadTheBucketAsTheApiServesIt() throws Exception {
    String repo = "s3/refs";
    SeededImage image =
        REGISTRY.seeder().pushImage(repo, ImageSpec.singlePlatform().seed(3), "v1", "v2");
    Cli.Run refs =
        tool(
            "refs",
            "--storage",
            REGISTRY.storageUrl(),
            "--repo",
            repo,
            "--tags",
            "v1",
            "--format",
            "json");
    assertEquals(0, refs.exitCode(), refs.all());
    Set<String> listed = new TreeSet<>();
    refs.json()
        .getAsJsonArray("digests")
        .forEach(d -> listed.add(d.getAsJsonObject().get("digest").getAsString()));
    assertEquals(Reports.strings(image.digestsOf("v1")), listed);

    Cli.Run plan = tool("retain", "--keep-tag", "v1", "--storage", REGISTRY.storageUrl(), repo);
    assertEquals(0, plan.exitCode(), plan.all());
    assertTrue(plan.out().contains("drop tag    v2"), plan.out());
    Cli.Run apply =
        tool("retain", "--keep-tag", "v1", "--storage", REGISTRY.storageUrl(), repo, "--apply");
    assertEquals(0, apply.exitCode(), apply.all());
    assertFalse(
        Files.exists(
            REGISTRY.storageRoot().resolve("repositories/" + repo + "/_manifests/tags/v2")),
        "the dropped tag's objects are gone from the bucket");
    REGISTRY.restart();
    assertEquals(0, Cli.run("verify", REGISTRY.host() + "/" + repo + ":v1").exitCode());
    assertEquals(1, Cli.run("verify", REGISTRY.host() + "/" + repo + ":v2").exitCode());
  }

  @Test
  void fsckRepairAddsOnlyTheMissingLinkObject() throws Exception {
    String repo = "s3/repair";
    SeededImage image = REGISTRY.seeder().pushImage(repo, ImageSpec.singlePlatform().seed(5), "v1");
    Digest manifest = image.top("v1").digest();
    String link =
        REGISTRY.s3Key(
            "repositories/" + repo + "/_manifests/revisions/sha256/" + manifest.hex() + "/link");
    try (S3Client s3 = REGISTRY.s3().client()) {
      s3.deleteObject(b -> b.bucket(BUCKET).key(link));
    }
    Set<String> before = objects();
    Cli.Run broken = tool("fsck", REGISTRY.storageUrl());
    assertEquals(1, broken.exitCode(), broken.all());
    assertTrue(broken.out().contains("fsck --repair restores the link"), broken.out());

    Cli.Run repair = tool("fsck", "--repair", REGISTRY.storageUrl());
    assertEquals(0, repair.exitCode(), repair.all());
    assertTrue(repair.out().contains("created s3://" + BUCKET + "/" + link), repair.out());
    Set<String> added = objects();
    added.removeAll(before);
    assertEquals(Set.of(link), added, "the repair added the link and nothing else");
    assertTrue(before.stream().allMatch(objects()::contains), "the repair removed nothing");
    assertEquals(
        manifest.toString(),
        Files.readString(REGISTRY.s3().bucketDirectory(BUCKET).resolve(link)),
        "the link holds exactly the digest, as distribution writes it");
    assertEquals(0, Cli.run("verify", REGISTRY.host() + "/" + repo + ":v1").exitCode());
  }

  private static Set<String> objects() throws Exception {
    Path bucket = REGISTRY.s3().bucketDirectory(BUCKET);
    try (var files = Files.walk(bucket)) {
      Set<String> keys = new TreeSet<>();
      files.filter(Files::isRegularFile).forEach(f -> keys.add(bucket.relativize(f).toString()));
      return keys;
    }
  }
}
