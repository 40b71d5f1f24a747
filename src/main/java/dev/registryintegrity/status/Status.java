package dev.registryintegrity.status;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.report.Failure;
import dev.registryintegrity.walk.Node;
import dev.registryintegrity.walk.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One view of a server's state, whoever serves it: the probe's last run, or the receiver's latest
 * verdicts. Every string from a registry is kept as it came; the renderers escape it.
 *
 * @param title what is watched ("probe registry.example.com", "watch 0.0.0.0:8090")
 * @param lastRun the last finished run, for the probe; empty for the receiver, or before one ends
 * @param running how far the run in progress has got (a sweep of a large registry takes minutes)
 * @param problems what is broken or could not be checked, then warnings, in full up to {@link
 *     #MAX_PROBLEMS}
 * @param moreProblems problems left out past that bound
 * @param rowsLabel what a row is ("repository", "tag")
 * @param rows every repository's or tag's last verdict
 */
public record Status(
    String title,
    Instant now,
    Optional<LastRun> lastRun,
    Optional<String> running,
    List<Problem> problems,
    int moreProblems,
    String rowsLabel,
    List<Row> rows) {

  /** A page with thousands of broken digests says how many and lists the first ones. */
  public static final int MAX_PROBLEMS = 500;

  public Status {
    problems = List.copyOf(problems);
    rows = rows.stream().sorted(Row.PROBLEMS_FIRST).toList();
  }

  /** A status that lists the first {@link #MAX_PROBLEMS} problems in full and counts the rest. */
  public static Status of(
      String title,
      Instant now,
      Optional<LastRun> lastRun,
      Optional<String> running,
      List<Problem> problems,
      String rowsLabel,
      List<Row> rows) {
    int listed = Math.min(problems.size(), MAX_PROBLEMS);
    return new Status(
        title,
        now,
        lastRun,
        running,
        problems.subList(0, listed),
        problems.size() - listed,
        rowsLabel,
        rows);
  }

  /** A verdict in the words the page and its JSON use. */
  public static String word(Verdict verdict) {
    return switch (verdict) {
      case OK -> "intact";
      case WARN -> "warning";
      case FAIL -> "broken";
      case UNKNOWN -> "unchecked";
    };
  }

  /**
   * @param verdict "intact", "broken", "unchecked" (the run's exit code, in words)
   * @param summary the run's one summary line, as the log prints it
   */
  public record LastRun(String verdict, Instant finishedAt, Duration duration, String summary) {}

  /**
   * @param severity "broken", "unchecked" or "warning"
   * @param image the tag as a client names it
   * @param kind what the digest is ("layer", "manifest linux/arm64", ...), "tag" for the tag itself
   * @param path the steps from the tag to the digest, each "kind digest"
   */
  public record Problem(
      String severity,
      String image,
      String kind,
      Optional<String> digest,
      List<String> path,
      String detail,
      String hint) {

    public Problem {
      path = List.copyOf(path);
    }

    public static List<Problem> of(List<Failure> failures, List<Failure> warnings) {
      List<Problem> all = new ArrayList<>();
      failures.forEach(f -> all.add(from(f, null)));
      warnings.forEach(f -> all.add(from(f, "warning")));
      return all;
    }

    private static Problem from(Failure f, String severity) {
      String word = severity != null ? severity : Status.word(f.finding().verdict());
      List<String> path = new ArrayList<>();
      for (Node step : f.path()) {
        path.add(
            step.kind().label() + " " + step.digest().map(Digest::toString).orElse("(no digest)"));
      }
      return new Problem(
          word,
          f.image(),
          f.node()
              .map(n -> n.kind().label() + n.platform().map(p -> " " + p).orElse(""))
              .orElse("tag"),
          f.node().flatMap(Node::digest).map(Digest::toString),
          path,
          f.finding().detail(),
          f.hint());
    }
  }

  /**
   * @param name a repository, or "repository:tag"
   * @param verdict "intact", "warning", "broken" or "unchecked"
   * @param tags tags walked, for a repository; -1 for a tag's own row
   * @param digests unique digests checked
   * @param broken digests that failed
   * @param checkedAt when the verdict was reached
   */
  public record Row(
      String name, String verdict, int tags, int digests, int broken, Instant checkedAt) {

    static final Comparator<Row> PROBLEMS_FIRST =
        Comparator.comparingInt((Row r) -> rank(r.verdict())).thenComparing(Row::name);

    private static int rank(String verdict) {
      return switch (verdict) {
        case "broken" -> 0;
        case "unchecked" -> 1;
        case "warning" -> 2;
        default -> 3;
      };
    }

    boolean matches(String filter) {
      return filter.isEmpty()
          || name.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT));
    }
  }

  /** The verdict a person reads first: the last run's, or the worst row's for the receiver. */
  public String verdict() {
    if (lastRun.isPresent()) {
      return lastRun.get().verdict();
    }
    if (rows.isEmpty()) {
      return "waiting";
    }
    return rows.get(0).verdict();
  }

  /** The rows a page shows: those matching {@code filter}, one page of them. */
  public Page page(String filter, int number) {
    List<Row> matching = rows.stream().filter(r -> r.matches(filter)).toList();
    int pages = Math.max(1, (matching.size() + Page.SIZE - 1) / Page.SIZE);
    int n = Math.min(Math.max(1, number), pages);
    int from = (n - 1) * Page.SIZE;
    return new Page(
        filter,
        n,
        pages,
        matching.size(),
        matching.subList(from, Math.min(matching.size(), from + Page.SIZE)));
  }

  /** A page of rows: large registries have more than a browser should draw at once. */
  public record Page(String filter, int number, int pages, int matching, List<Row> rows) {
    public static final int SIZE = 200;
  }
}
