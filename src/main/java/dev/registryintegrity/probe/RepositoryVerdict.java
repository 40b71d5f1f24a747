package dev.registryintegrity.probe;

import dev.registryintegrity.walk.Verdict;
import java.util.Map;

/**
 * One repository's outcome in a probe run: a row of the status page, kept for every repository (a
 * few numbers each), while intact graphs are let go.
 *
 * @param digests unique digests reached by its tags
 * @param failedTags failed digests per failing tag: the probe's per-tag series, failing tags only
 */
public record RepositoryVerdict(
    String repository,
    int tags,
    int digests,
    int failed,
    int unchecked,
    int warned,
    Verdict verdict,
    Map<String, Integer> failedTags) {

  public RepositoryVerdict {
    failedTags = Map.copyOf(failedTags);
  }
}
