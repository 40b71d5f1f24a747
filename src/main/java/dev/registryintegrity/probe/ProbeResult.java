package dev.registryintegrity.probe;

import dev.registryintegrity.report.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What one probe run found, in the terms of its metrics.
 *
 * @param catalogAccessible whether the repository list could be read
 * @param failures broken references: unique (repository, digest) pairs that failed
 * @param unchecked unique (repository, digest) pairs that could not be checked, plus listing errors
 * @param failuresByRepoAndKind failures per repository and kind ("manifest", "layer", ...)
 * @param report the per-digest facts, for the text and JSON reports
 */
public record ProbeResult(
    String instance,
    boolean catalogAccessible,
    int reposChecked,
    int tagsChecked,
    int indexesChecked,
    int digestsChecked,
    int failures,
    int unchecked,
    Map<String, Map<String, Integer>> failuresByRepoAndKind,
    Instant finishedAt,
    Duration duration,
    RunReport report) {

  public boolean succeeded() {
    return catalogAccessible && failures == 0 && unchecked == 0;
  }
}
