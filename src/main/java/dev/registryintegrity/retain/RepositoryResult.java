package dev.registryintegrity.retain;

import dev.registryintegrity.walk.ImageResult;
import java.util.List;
import java.util.Optional;

/**
 * One repository's part of a run.
 *
 * @param inventory what was read; empty when the repository could not be read at all
 * @param keptBefore each image that stays, checked before anything was deleted
 * @param applied what the deletions did, when any were made
 * @param keptAfter each image that stays, checked afresh after the deletions
 * @param error why the repository could not be read at all
 */
public record RepositoryResult(
    String repository,
    Optional<Inventory> inventory,
    Optional<RepositoryPlan> plan,
    List<ImageResult> keptBefore,
    Optional<Applier.Applied> applied,
    List<ImageResult> keptAfter,
    Optional<String> error) {

  public RepositoryResult {
    keptBefore = List.copyOf(keptBefore);
    keptAfter = List.copyOf(keptAfter);
  }

  static RepositoryResult failed(String repository, String why) {
    return new RepositoryResult(
        repository,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        List.of(),
        Optional.of(why));
  }
}
