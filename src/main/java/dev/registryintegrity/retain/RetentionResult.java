package dev.registryintegrity.retain;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a retention run found and did.
 *
 * @param applied whether deleting was asked for ({@code --apply})
 * @param refusal why nothing was deleted, when deleting was asked for and refused
 * @param refusedWith the exit code the refusal stands for
 * @param requests requests made (or files read) in all
 * @param notes what the run noticed beyond one repository: {@code --keep-digests} entries found
 *     nowhere
 */
public record RetentionResult(
    List<RepositoryResult> repositories,
    boolean applied,
    Optional<String> refusal,
    ExitCode refusedWith,
    Instant startedAt,
    Duration duration,
    long requests,
    List<String> notes) {

  public RetentionResult {
    repositories = List.copyOf(repositories);
    notes = List.copyOf(notes);
  }

  /**
   * 0: planned (or applied) and every kept image intact; 1: a kept image is broken; 3: something
   * could not be read, checked or deleted.
   */
  public ExitCode exitCode() {
    if (refusal.isPresent()) {
      return refusedWith;
    }
    List<Verdict> verdicts = new ArrayList<>();
    for (RepositoryResult r : repositories) {
      if (r.error().isPresent()) {
        verdicts.add(Verdict.UNKNOWN);
      }
      r.inventory()
          .filter(i -> !i.unreadable().isEmpty())
          .ifPresent(i -> verdicts.add(Verdict.UNKNOWN));
      List<ImageResult> kept = applied && r.applied().isPresent() ? r.keptAfter() : r.keptBefore();
      kept.forEach(image -> verdicts.add(image.verdict()));
      r.applied()
          .filter(a -> a.count(Applier.Result.FAILED) > 0)
          .ifPresent(a -> verdicts.add(Verdict.UNKNOWN));
    }
    return Verdict.exitCode(verdicts);
  }
}
