package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.model.Digest;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The incident on a registry whose storage is in S3, with this run's registry version and its own
 * collector (its own registry: 2.8's collector unlinks every index's children, whatever test pushed
 * them). What the bucket holds is seen through S3Proxy's files, a view that is not the tool's.
 */
class S3IncidentIT {
  private static final String BUCKET = "registry";
  private static final String ROOT = "store";

  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.create().withS3(BUCKET, ROOT);

  /** What a cleanup script on S3 does to drop a tag: {@code aws s3 rm --recursive} its prefix. */
  private static void removeTagObjects(String repo, String tag) {
    try (S3Client s3 = REGISTRY.s3().client()) {
      String prefix = REGISTRY.s3Key("repositories/" + repo + "/_manifests/tags/" + tag + "/");
      for (S3Object object :
          s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents()) {
        s3.deleteObject(b -> b.bucket(BUCKET).key(object.key()));
      }
    }
  }

  /**
   * The incident on S3: a cleanup script removes the old tag's objects, the collector runs.
   * gc-check names beforehand exactly what the collector then deletes from the bucket, fsck finds
   * the kept tag broken, and heal from a backup bucket restores the same digests.
   */
  @Test
  void theIncidentOnS3IsPredictedFoundAndHealedFromABackupBucket() throws Exception {
    String repo = "s3/incident";
    SeededImage image =
        REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "latest", "keep");
    REGISTRY.s3().copyBucket(BUCKET, "backup");
    removeTagObjects(repo, "latest");
    if (REGISTRY.implementation() == Implementation.V3) {
      // v3's collector keeps an index's children: there a cleanup of untagged manifests by
      // digest is what takes them (as RegistryFixture.loseIndexChildren does on disk).
      for (Digest child : image.manifestDigestsBelowTop()) {
        REGISTRY.seeder().deleteManifest(repo, child);
      }
    }
    Cli.Run check = CollectorState.predict(REGISTRY);
    assertEquals(1, check.exitCode(), "the collection breaks the kept tag: " + check.all());
    Set<String> before = CollectorState.of(REGISTRY.storageDirectory());
    REGISTRY.garbageCollect(true);
    Set<String> removed =
        CollectorState.removed(before, CollectorState.of(REGISTRY.storageDirectory()));
    assertFalse(removed.isEmpty());
    assertEquals(
        CollectorState.predicted(check.json()), removed, "predicted = what the collector deleted");

    String ref = REGISTRY.host() + "/" + repo + ":keep";
    REGISTRY.restart();
    Cli.Run fsck = REGISTRY.storageTool("fsck", REGISTRY.storageUrl());
    assertEquals(1, fsck.exitCode(), fsck.all());
    assertTrue(fsck.out().contains(repo + ":keep"), fsck.out());

    Cli.Run heal = REGISTRY.storageTool("heal", ref, "--from", "storage:s3://backup/" + ROOT);
    assertEquals(0, heal.exitCode(), heal.all());
    assertTrue(heal.out().contains("from storage s3://backup/" + ROOT + " (copy)"), heal.out());
    Cli.Run verify =
        Cli.run(
            "verify",
            "--blob-check",
            "content",
            "--expected-digest",
            image.top("keep").digest().toString(),
            "--format",
            "json",
            ref);
    assertEquals(0, verify.exitCode(), verify.all());
    assertEquals(
        Reports.strings(image.digestsOf("keep")),
        Reports.findings(verify.json()).keySet(),
        "the same digests as pushed");
    Skopeo.assertPulls(ref);
    Cli.Run after = REGISTRY.storageTool("fsck", REGISTRY.storageUrl());
    assertEquals(0, after.exitCode(), after.all());
  }
}
