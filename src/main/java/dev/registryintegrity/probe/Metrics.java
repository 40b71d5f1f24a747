package dev.registryintegrity.probe;

import dev.registryintegrity.report.Exposition;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The probe's Prometheus metrics in the text exposition format (0.0.4). The first six names are
 * those of the shell probe this replaces, so existing alert rules keep working.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * @param lastSuccess unix seconds of the last run that found nothing wrong, if any
   * @param extraLabels labels on every series besides instance (e.g. shard)
   */
  public static String render(
      ProbeResult r, java.util.OptionalLong lastSuccess, Map<String, String> extraLabels) {
    StringBuilder out = new StringBuilder();
    String labels = labels(r.instance(), extraLabels, Map.of());
    gauge(
        out,
        "failures",
        "Broken references (repository, digest) found in the last run.",
        labels,
        r.failures());
    gauge(
        out,
        "catalog_accessible",
        "1 when the repository list could be read in the last run, else 0.",
        labels,
        r.catalogAccessible() ? 1 : 0);
    gauge(out, "repos_checked", "Repositories checked in the last run.", labels, r.reposChecked());
    gauge(out, "tags_checked", "Tags checked in the last run.", labels, r.tagsChecked());
    gauge(
        out,
        "indexes_checked",
        "Image indexes and manifest lists checked in the last run.",
        labels,
        r.indexesChecked());
    gauge(
        out,
        "last_run_timestamp",
        "Unix seconds when the last run finished.",
        labels,
        r.finishedAt().getEpochSecond());
    gauge(
        out,
        "digests_checked",
        "Unique (repository, digest) pairs checked in the last run.",
        labels,
        r.digestsChecked());
    gauge(
        out,
        "probe_errors",
        "Digests and listings that could not be checked in the last run (not failures).",
        labels,
        r.unchecked());
    gauge(
        out,
        "orphaned_referrers",
        "Referrers (signatures, SBOMs, attestations) whose subject is gone, in the last run (a warning unless --strict).",
        labels,
        r.orphanedReferrers());
    gauge(
        out,
        "repos_without_tags",
        "Repositories listed with no tags in the last run (digest-only or emptied; not errors).",
        labels,
        r.reposWithoutTags());
    gaugeDouble(
        out,
        "run_duration_seconds",
        "Wall time of the last run.",
        labels,
        r.duration().toMillis() / 1000.0);
    if (lastSuccess.isPresent()) {
      gauge(
          out,
          "last_success_timestamp_seconds",
          "Unix seconds when the last run that found nothing wrong finished.",
          labels,
          lastSuccess.getAsLong());
    }
    header(out, "repo_failures", "Broken references in the last run by repository and kind.");
    r.failuresByRepoAndKind()
        .forEach(
            (repo, kinds) ->
                kinds.forEach(
                    (kind, count) ->
                        out.append(Exposition.PREFIX)
                            .append("repo_failures")
                            .append(
                                labels(
                                    r.instance(),
                                    extraLabels,
                                    orderedPair("repository", repo, "kind", kind)))
                            .append(' ')
                            .append(count)
                            .append('\n')));
    // Failing tags only, so the series count is bounded by what is broken, not by the registry.
    header(
        out,
        "probe_tag_failures",
        "Failed digests reached by a tag in the last run; failing tags only (the receiver's"
            + " tag_failures, for the whole registry).");
    String inner = labels.substring(1, labels.length() - 1);
    for (RepositoryVerdict repo : r.repositories()) {
      repo.failedTags()
          .forEach(
              (tag, count) ->
                  Exposition.tagSample(
                      out, "probe_tag_failures", inner, repo.repository(), tag, count));
    }
    return out.toString();
  }

  private static Map<String, String> orderedPair(String k1, String v1, String k2, String v2) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  private static void header(StringBuilder out, String name, String help) {
    Exposition.header(out, name, "gauge", help);
  }

  private static void gauge(
      StringBuilder out, String name, String help, String labels, long value) {
    header(out, name, help);
    out.append(Exposition.PREFIX)
        .append(name)
        .append(labels)
        .append(' ')
        .append(value)
        .append('\n');
  }

  private static void gaugeDouble(
      StringBuilder out, String name, String help, String labels, double value) {
    header(out, name, help);
    out.append(Exposition.PREFIX)
        .append(name)
        .append(labels)
        .append(' ')
        .append(String.format(Locale.ROOT, "%.3f", value))
        .append('\n');
  }

  private static String labels(
      String instance, Map<String, String> extra, Map<String, String> more) {
    StringBuilder b =
        new StringBuilder("{instance=\"").append(Exposition.label(instance)).append('"');
    for (Map<String, String> m : List.of(extra, more)) {
      m.forEach(
          (k, v) -> b.append(',').append(k).append("=\"").append(Exposition.label(v)).append('"'));
    }
    return b.append('}').toString();
  }
}
