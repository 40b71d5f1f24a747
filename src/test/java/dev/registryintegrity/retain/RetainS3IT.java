package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.storage.StorageLayout;
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

  private static Set<String> storedTags(String repository) {
    try (StorageLayout layout =
        StorageLayout.open(REGISTRY.storageDirectory().toString(), Map.of())) {
      return new TreeSet<>(layout.tags(repository));
    }
  }

  @Test
  void theBucketKeepsExactlyTheKeptImagesThroughTheCollector() throws Exception {
    RetainScenario f = RetainScenario.seed(REGISTRY, "retain/s3");
    Cli.Run apply = f.applyOnStorageThenCollect(REGISTRY);
    assertEquals(f.keptTags(), storedTags(f.repository()), apply.out());
    f.assertKeptVerify(REGISTRY, List.of("v5", "v6", "stable"));
    f.assertDroppedCollected(REGISTRY);
  }
}
