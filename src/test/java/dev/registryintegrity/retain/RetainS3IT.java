package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.storage.StorageLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention on a registry whose storage is in S3 ({@code retain --storage s3://...}), the registry
 * stopped as its collector needs, then its own collector on the bucket: the kept images whole, the
 * dropped ones reclaimed. The tags are read from the bucket: distribution 3.1.1's tags/list on S3
 * hides a tag whose name extends another's, and by that rule the cosign signature tag {@code
 * sha256-<hex>.sig} beside the fallback tag {@code sha256-<hex>}.
 */
class RetainS3IT {
  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.create().withS3("registry", "retained");

  private static Cli.Run retain(RetainScenario f, String... more) {
    return Cli.run(REGISTRY.storageEnvironment(), "", f.retain(f.repository(), more));
  }

  private static Set<String> storedTags(String repository) {
    try (StorageLayout layout =
        StorageLayout.open(REGISTRY.storageDirectory().toString(), Map.of())) {
      return new TreeSet<>(layout.tags(repository));
    }
  }

  @Test
  void theBucketKeepsExactlyTheKeptImagesThroughTheCollector() throws Exception {
    RetainScenario f = RetainScenario.seed(REGISTRY, "retain/s3");
    REGISTRY.stopRegistry();
    try {
      Map<Path, Long> before = RegistryState.files(REGISTRY.storageRoot());
      Cli.Run plan = retain(f, "--storage", REGISTRY.storageUrl());
      assertEquals(0, plan.exitCode(), plan.all());
      assertEquals(
          before, RegistryState.files(REGISTRY.storageRoot()), "the plan changed the bucket");
      Cli.Run apply = retain(f, "--storage", REGISTRY.storageUrl(), "--apply");
      assertEquals(0, apply.exitCode(), apply.all());
    } finally {
      REGISTRY.startRegistry();
    }
    REGISTRY.garbageCollect(false);
    REGISTRY.restart();
    Digest v5 = f.images().get("v5").top("v5").digest();
    assertEquals(
        new TreeSet<>(
            Set.of(
                "v5",
                "v6",
                "stable",
                v5.algorithm() + "-" + v5.hex() + ".sig",
                v5.algorithm() + "-" + v5.hex())),
        storedTags(f.repository()));
    f.assertKeptVerify(REGISTRY, List.of("v5", "v6", "stable"));
    f.assertDroppedCollected(REGISTRY);
  }
}
