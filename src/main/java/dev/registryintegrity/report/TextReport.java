package dev.registryintegrity.report;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import dev.registryintegrity.walk.Tally;
import dev.registryintegrity.walk.Verdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human report: per image, one line per digest in a tree that shows parentage; then every
 * failure again with its path and what to do; then one summary line.
 *
 * <p>In {@link Detail#BRIEF} (the CI plugin's default) an intact image is one line, so a green step
 * log stays short and a red one puts every failing digest near the top.
 */
public final class TextReport {
  public enum Detail {
    FULL,
    /** One line per intact image, everything about the others. */
    BRIEF,
    /** Nothing about intact images (the probe: thousands of tags, a few broken). */
    FAILURES
  }

  private static final String RESET = "\u001b[0m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String DIM = "\u001b[2m";
  private static final String BOLD = "\u001b[1m";

  private final boolean color;
  private final Detail detail;

  public TextReport(boolean color, Detail detail) {
    this.color = color;
    this.detail = detail;
  }

  public void render(RunReport report, PrintWriter out) {
    render(report, out, summary(report));
  }

  /**
   * The same report ending in {@code summaryLine} (the probe's, in its own terms) instead of the
   * run's. Every value from a registry, a file or a setting goes through {@link Console} as an
   * argument, so it is shown escaped whatever the call site.
   */
  public void render(RunReport report, PrintWriter writer, String summaryLine) {
    Console out = new Console(writer);
    for (String warning : report.warnings()) {
      out.line("{}", paint(YELLOW, "warning: {}", warning));
    }
    if (detail == Detail.FULL) {
      out.line("{}", paint(DIM, "check: {} ({})", report.check().label(), report.check().proves()));
      for (ImageResult image : report.images()) {
        renderImage(image, out);
      }
      section("FAILURES", Failure.of(report.images()), out);
      section("WARNINGS", Failure.warnings(report.images()), out);
    } else {
      // Failure first: a person reading the top of a red step log (or the first screen of a
      // thousand-tag probe) sees the verdict and what is broken before anything that is fine.
      List<Failure> failures = Failure.of(report.images());
      List<Failure> warned = Failure.warnings(report.images());
      if (!failures.isEmpty() || !warned.isEmpty()) {
        out.line("{}", Console.ours(summaryLine));
      }
      section("FAILURES", failures, out);
      section("WARNINGS", warned, out);
      for (ImageResult image : report.images()) {
        renderImage(image, out);
      }
    }
    out.blank();
    for (String note : report.notes()) {
      out.line("{}", paint(DIM, "{}", note));
    }
    out.line("{}", Console.ours(summaryLine));
    out.flush();
  }

  private void renderImage(ImageResult image, Console out) {
    Node root = image.root();
    Verdict verdict = image.verdict();
    String resolved = root.digest().map(d -> " -> " + d).orElse("");
    boolean pulls = verdict == Verdict.OK || verdict == Verdict.WARN;
    if (detail == Detail.FAILURES && pulls) {
      return;
    }
    if (detail == Detail.BRIEF && pulls) {
      Tally tally = Tally.of(image);
      out.line(
          "{}  {}{}  ({} digests intact{}{})",
          paint(GREEN, "ok"),
          image.reference(),
          resolved,
          tally.intact(),
          tally.external() > 0 ? ", " + tally.external() + " external" : "",
          tally.warned() > 0 ? ", " + Text.count(tally.warned(), "warning") : "");
      return;
    }
    out.blank();
    out.line(
        "{}{}{}",
        paint(BOLD, "{}", image.reference()),
        resolved,
        paint(DIM, "  [{}]", image.source().description()));
    // Below the full level, only the branches that lead to what is not intact.
    Map<Node, Boolean> shown = new IdentityHashMap<>();
    boolean pruned = detail != Detail.FULL;
    for (Finding f : image.imageFindings()) {
      out.line("  {}  {}", verdictWord(f), f.detail());
    }
    List<Row> rows = new ArrayList<>();
    int[] hidden = {0};
    Graphs.forEachPosition(
        root,
        (node, depth, repeat) -> {
          if (!pruned || (!repeat && leadsToProblem(node, shown))) {
            rows.add(new Row(node, depth, repeat));
          } else if (!repeat) {
            hidden[0]++;
          }
        });
    int kindWidth = "KIND".length();
    int platformWidth = "PLATFORM".length();
    int statusWidth = "STATUS".length();
    int sizeWidth = "SIZE".length();
    for (Row r : rows) {
      kindWidth = Math.max(kindWidth, 2 * r.depth + r.node.kind().label().length());
      platformWidth = Math.max(platformWidth, platform(r.node).length());
      statusWidth = Math.max(statusWidth, status(r.node).length());
      sizeWidth = Math.max(sizeWidth, size(r.node).length());
    }
    String header =
        Console.format(
            "  {}  {}  {}  {}  {}  VERDICT",
            Console.cell("KIND", kindWidth),
            Console.cell("PLATFORM", platformWidth),
            Console.cell("DIGEST", 71),
            Console.ours(" ".repeat(sizeWidth - "SIZE".length()) + "SIZE"),
            Console.cell("STATUS", statusWidth));
    out.line("{}", paint(DIM, "{}", Console.ours(header)));
    int alike = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      // A run of siblings with the same finding in the same words: the first few, then a count.
      alike = i > 0 && pruned && sameFinding(rows.get(i - 1), r) ? alike + 1 : 0;
      if (alike >= ROWS_SHOWN) {
        int more = 1;
        while (i + 1 < rows.size() && sameFinding(rows.get(i), rows.get(i + 1))) {
          more++;
          i++;
        }
        out.line(
            "  {}... and {} more {}: {}  {}",
            Console.ours("  ".repeat(r.depth)),
            more,
            r.node.kind().label() + (more == 1 ? "" : "s"),
            verdictWord(r.node.finding()),
            r.node.finding().detail());
        alike = 0;
        continue;
      }
      String size = size(r.node);
      out.line(
          "  {}  {}  {}  {}  {}  {}{}{}",
          Console.cell(Console.ours("  ".repeat(r.depth) + r.node.kind().label()), kindWidth),
          Console.cell(platform(r.node), platformWidth),
          Console.cell(r.node.digest().map(Digest::toString).orElse("-"), 71),
          Console.ours(" ".repeat(Math.max(0, sizeWidth - size.length())) + size),
          Console.cell(status(r.node), statusWidth),
          r.repeat ? paint(DIM, "(shared, listed above)") : verdictWord(r.node.finding()),
          r.repeat ? "" : lineDetail(r.node.finding()),
          r.node
              .artifactType()
              .map(t -> paint(DIM, "  [{}]", Console.upTo(120, t)))
              .orElse(Console.ours("")));
    }
    if (hidden[0] > 0) {
      out.line(
          "{}",
          paint(
              DIM,
              "  ... and {} intact digest{} (log level debug lists every digest)",
              hidden[0],
              hidden[0] == 1 ? "" : "s"));
    }
  }

  /** Rows of one run this long are shown; the rest of the run is one line with a count. */
  private static final int ROWS_SHOWN = 3;

  private static boolean sameFinding(Row a, Row b) {
    return !a.repeat
        && !b.repeat
        && a.depth == b.depth
        && a.node.kind() == b.node.kind()
        && a.node.finding().verdict() != Verdict.OK
        && a.node.finding().code().equals(b.node.finding().code())
        && a.node.finding().detail().equals(b.node.finding().detail())
        && a.node.children().isEmpty()
        && b.node.children().isEmpty();
  }

  /** The node is not intact, or something below it is not. */
  private static boolean leadsToProblem(Node node, Map<Node, Boolean> memo) {
    Boolean known = memo.get(node);
    if (known != null) {
      return known;
    }
    boolean problem =
        node.finding().verdict() != Verdict.OK
            || node.children().stream().anyMatch(child -> leadsToProblem(child, memo));
    memo.put(node, problem);
    return problem;
  }

  private Console.Ours lineDetail(Finding finding) {
    return switch (finding) {
      case Finding.Intact intact ->
          intact.notes().isEmpty() ? Console.ours("") : paint(DIM, "  ({})", intact.detail());
      case Finding.Missing missing -> Console.ours("");
      case Finding.External external -> paint(DIM, "  ({})", Console.upTo(300, external.detail()));
      default -> Console.ours(Console.format("  {}", finding.detail()));
    };
  }

  /**
   * Each entry again with its path and what to do, numbered, under a heading; nothing when empty.
   */
  private void section(String title, List<Failure> entries, Console out) {
    if (entries.isEmpty()) {
      return;
    }
    out.blank();
    out.line("{}", paint(BOLD, title + " (" + entries.size() + ")"));
    int n = 1;
    for (List<Failure> group : groups(entries)) {
      if (group.size() < GROUPED) {
        for (Failure f : group) {
          renderFailure(n++, f, out);
        }
      } else {
        renderGroup(n++, group, out);
      }
    }
  }

  /**
   * The same finding with the same words for many digests (a deadline that cut 400 checks) is one
   * group, so the distinct problems stay on the first screen; full detail keeps every entry alone.
   */
  private List<List<Failure>> groups(List<Failure> entries) {
    if (detail == Detail.FULL) {
      return entries.stream().map(List::of).toList();
    }
    Map<String, List<Failure>> byWords = new LinkedHashMap<>();
    for (Failure f : entries) {
      String words = f.finding().code() + "\u0000" + f.finding().detail() + "\u0000" + f.hint();
      byWords.computeIfAbsent(words, k -> new ArrayList<>()).add(f);
    }
    return List.copyOf(byWords.values());
  }

  /** Entries alike in all but their digest, from this many on, are one entry. */
  private static final int GROUPED = 10;

  private void renderGroup(int n, List<Failure> group, Console out) {
    Failure first = group.get(0);
    out.line(
        "  {}. {} {} digests alike: {}",
        n,
        verdictWord(first.finding()),
        group.size(),
        first.finding().detail());
    out.line("     first: {}", Console.ours(path(first)));
    out.line("     next: {}", first.hint());
  }

  private void renderFailure(int n, Failure f, Console out) {
    String what =
        f.node()
            .map(
                node ->
                    Console.format(
                        "{}{} {}",
                        node.kind().label(),
                        node.platform().map(p -> " " + p).orElse(""),
                        node.digest().map(Digest::toString).orElse("")))
            .orElse("image");
    out.line(
        "  {}. {} {}: {}",
        n,
        verdictWord(f.finding()),
        Console.ours(what.trim()),
        f.finding().detail());
    out.line("     path: {}", Console.ours(path(f)));
    out.line("     next: {}", f.hint());
  }

  /** The reference, then each step from the tag to the finding's digest, escaped. */
  private static String path(Failure f) {
    StringBuilder path = new StringBuilder(Console.format("{}", f.image()));
    List<Node> steps = new ArrayList<>(f.path());
    if (f.node().isPresent() && !f.path().isEmpty()) {
      steps.add(f.node().get());
    }
    for (Node step : steps) {
      path.append(
          Console.format(
              " -> {} {}", step.kind().label(), step.digest().map(Digest::toString).orElse("?")));
    }
    return path.toString();
  }

  public String summary(RunReport report) {
    RunReport.Counts c = report.counts();
    String result =
        switch (report.exitCode()) {
          case INTACT -> paint(GREEN, "INTACT").text();
          case INTEGRITY_FAILURE -> paint(RED, "FAIL").text();
          case CANNOT_CHECK -> paint(YELLOW, "COULD NOT CHECK").text();
          case USAGE -> "USAGE";
        };
    return String.format(
        Locale.ROOT,
        "%s: %d image%s, %d digest%s: %d intact, %s%d failed, %d unchecked; blob check %s; %d requests in %.2f s (exit %d)",
        result,
        report.imageCount(),
        report.imageCount() == 1 ? "" : "s",
        c.digests(),
        c.digests() == 1 ? "" : "s",
        c.intact(),
        (c.external() > 0 ? c.external() + " external, " : "")
            + (c.warnings() > 0 ? Text.count(c.warnings(), "warning") + ", " : ""),
        c.failed(),
        c.unchecked(),
        report.check().label(),
        report.requests(),
        report.duration().toMillis() / 1000.0,
        report.exitCode().code());
  }

  private Console.Ours verdictWord(Finding finding) {
    return switch (finding.verdict()) {
      case OK ->
          finding instanceof Finding.External
              ? paint(DIM, "external")
              : Console.ours(
                  paint(GREEN, "ok")
                      + (finding instanceof Finding.Intact i
                          ? paint(DIM, " " + i.proof().label()).text()
                          : ""));
      case WARN -> paint(YELLOW, finding.code().toUpperCase(Locale.ROOT));
      case FAIL -> paint(RED, finding.code().toUpperCase(Locale.ROOT));
      case UNKNOWN -> paint(YELLOW, finding.code().toUpperCase(Locale.ROOT));
    };
  }

  /** Escaped and cut as the table shows it: its width is measured on what is shown. */
  private static String platform(Node node) {
    return Console.format("{}", Console.upTo(60, node.platform().orElse("-")));
  }

  private static String status(Node node) {
    return Console.format("{}", Console.upTo(60, node.status()));
  }

  private static String size(Node node) {
    return node.size() < 0 ? "-" : Long.toString(node.size());
  }

  /**
   * {@code template} (our words) with its values escaped, in {@code code}'s colour when colour is
   * on: the one way styled text is made, so a value cannot bring its own escape sequences.
   */
  private Console.Ours paint(String code, String template, Object... values) {
    String text = Console.format(template, values);
    return Console.ours(color ? code + text + RESET : text);
  }

  private record Row(Node node, int depth, boolean repeat) {}
}
