package dev.registryintegrity.retain;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.report.Exposition;
import dev.registryintegrity.retain.RepositoryPlan.Fate;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A retention run as Prometheus metrics, in the probe's exposition style: per repository, the tags
 * by fate, the manifests deleted and what a collection can reclaim; per run, whether it succeeded,
 * the kept images not intact, and when it finished.
 */
public final class RetainMetrics {
  private RetainMetrics() {}

  /**
   * @param exit the run's exit code, which {@code retention_success} states
   */
  public static String render(
      RetentionResult result, ExitCode exit, String instance, long finishedAt) {
    String labels = "instance=\"" + Exposition.label(instance) + "\"";
    StringBuilder out = new StringBuilder();
    Exposition.header(
        out, "retention_tags", "gauge", "Tags by what the last retention run decided for them.");
    for (RepositoryResult r : result.repositories()) {
      if (r.plan().isEmpty()) {
        continue;
      }
      for (Fate fate : Fate.values()) {
        out.append(Exposition.PREFIX)
            .append("retention_tags{")
            .append(repository(labels, r))
            .append(",decision=\"")
            .append(fate.key())
            .append("\"} ")
            .append(r.plan().get().count(fate))
            .append('\n');
      }
    }
    perRepository(
        out,
        result,
        labels,
        "retention_manifests_planned",
        "Manifests the last retention run planned to delete by digest (tags deleted alone are"
            + " retention_tags{decision=\"drop_tag\"}).",
        r -> r.plan().map(RetainMetrics::removals).orElse(0L));
    perRepository(
        out,
        result,
        labels,
        "retention_manifests_deleted",
        "Manifests the last retention run deleted by digest (0 for a plan).",
        r ->
            r.applied()
                .map(
                    a ->
                        a.done().stream()
                            .filter(d -> d.result() == Applier.Result.DELETED)
                            .filter(d -> d.deletion() instanceof RepositoryPlan.Deletion.Remove)
                            .count())
                .orElse(0L));
    perRepository(
        out,
        result,
        labels,
        "retention_deletions_failed",
        "Deletions the registry refused or that failed in the last run (the rest of that"
            + " repository's were not tried).",
        r -> r.applied().map(a -> a.count(Applier.Result.FAILED)).orElse(0L));
    perRepository(
        out,
        result,
        labels,
        "retention_reclaimable_bytes",
        "Bytes garbage-collect can free after the planned deletions (no --delete-untagged).",
        r -> r.plan().map(RepositoryPlan::reclaimableBytes).orElse(0L));
    long broken =
        result.repositories().stream()
            .flatMap(
                r ->
                    (result.applied() && r.applied().isPresent() ? r.keptAfter() : r.keptBefore())
                        .stream())
            .map(ImageResult::verdict)
            .filter(v -> v == Verdict.FAIL)
            .count();
    gauge(
        out, labels, "retention_kept_broken", "Kept images found broken in the last run.", broken);
    gauge(
        out,
        labels,
        "retention_applied",
        "1 when the last retention run was given --apply, 0 for a plan.",
        result.applied() ? 1 : 0);
    gauge(
        out,
        labels,
        "retention_success",
        "1 when the last retention run exited 0 (every kept image intact).",
        exit == ExitCode.INTACT ? 1 : 0);
    gauge(
        out,
        labels,
        "retention_last_run_timestamp",
        "Unix seconds when the last retention run finished.",
        finishedAt);
    return out.toString();
  }

  private static long removals(RepositoryPlan plan) {
    return plan.deletions().stream()
        .filter(d -> d instanceof RepositoryPlan.Deletion.Remove)
        .count();
  }

  private static String repository(String labels, RepositoryResult r) {
    return labels + ",repository=\"" + Exposition.label(r.repository()) + "\"";
  }

  private static void perRepository(
      StringBuilder out,
      RetentionResult result,
      String labels,
      String name,
      String help,
      ToLongFunction<RepositoryResult> value) {
    Exposition.header(out, name, "gauge", help);
    List<RepositoryResult> repositories = result.repositories();
    for (RepositoryResult r : repositories) {
      out.append(Exposition.PREFIX)
          .append(name)
          .append('{')
          .append(repository(labels, r))
          .append("} ")
          .append(value.applyAsLong(r))
          .append('\n');
    }
  }

  private static void gauge(StringBuilder out, String labels, String name, String help, long v) {
    Exposition.header(out, name, "gauge", help);
    out.append(Exposition.PREFIX)
        .append(name)
        .append('{')
        .append(labels)
        .append("} ")
        .append(v)
        .append('\n');
  }
}
