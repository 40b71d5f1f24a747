package dev.registryintegrity.probe;

import dev.registryintegrity.reference.RegistryName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * @param include repository globs to keep (none: all)
 * @param exclude repository globs to drop, after include
 * @param tagsPerRepo the newest N tags by their image's created time; empty: every tag
 * @param reposFile repositories to probe when the catalog is hidden (one per line)
 * @param shard this process's share of the repositories, {@code index/count}
 * @param requestsPerSecond cap on requests to the registry; 0: none
 * @param keepIntact keep every intact image's graph for the report (the JSON report lists them);
 *     otherwise intact images are counted and let go as each repository finishes
 */
public record ProbeOptions(
    RegistryName registry,
    List<String> include,
    List<String> exclude,
    Optional<Integer> tagsPerRepo,
    Optional<Path> reposFile,
    int pageSize,
    Shard shard,
    double requestsPerSecond,
    boolean keepIntact) {

  public ProbeOptions {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }
}
