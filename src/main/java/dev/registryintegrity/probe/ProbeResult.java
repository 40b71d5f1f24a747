package dev.registryintegrity.probe;

import dev.registryintegrity.report.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one probe run found, in the terms of its metrics.
 *
 * @param catalogAccessible whether the repository list could be read
 * @param failures broken references: unique (repository, digest) pairs that failed
 * @param unchecked unique (repository, digest) pairs that could not be checked, plus listing errors
 * @param reposWithoutTags repositories listed with no tags (digest-only pushes, every tag deleted):
 *     nothing to walk, not an error
 * @param orphanedReferrers unique (repository, digest) pairs of referrers whose subject is gone
 *     (warnings unless --strict)
 * @param failuresByRepoAndKind failures per repository and kind ("manifest", "layer", ...)
 * @param repositories each repository's outcome, in name order
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
    int reposWithoutTags,
    int orphanedReferrers,
    Map<String, Map<String, Integer>> failuresByRepoAndKind,
    Instant finishedAt,
    Duration duration,
    List<RepositoryVerdict> repositories,
    RunReport report) {

  public ProbeResult {
    repositories = List.copyOf(repositories);
  }

  /** Nothing wrong and everything checked: the verdict every output of the run states. */
  public boolean succeeded() {
    return report.exitCode() == dev.registryintegrity.ExitCode.INTACT;
  }

  /** The same result under another instance label (--instance). */
  public ProbeResult withInstance(String name) {
    return new ProbeResult(
        name,
        catalogAccessible,
        reposChecked,
        tagsChecked,
        indexesChecked,
        digestsChecked,
        failures,
        unchecked,
        reposWithoutTags,
        orphanedReferrers,
        failuresByRepoAndKind,
        finishedAt,
        duration,
        repositories,
        report);
  }
}
