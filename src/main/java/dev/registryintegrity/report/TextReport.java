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
import java.util.List;
import java.util.Locale;

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
   * run's.
   */
  public void render(RunReport report, PrintWriter out, String summaryLine) {
    for (String warning : report.warnings()) {
      out.println(paint(YELLOW, "warning: " + Text.safe(warning)));
    }
    if (detail == Detail.FULL) {
      out.println(
          paint(DIM, "check: " + report.check().label() + " (" + report.check().proves() + ")"));
    }
    for (ImageResult image : report.images()) {
      renderImage(image, out);
    }
    section("FAILURES", Failure.of(report.images()), out);
    section("WARNINGS", Failure.warnings(report.images()), out);
    out.println();
    for (String note : report.notes()) {
      out.println(paint(DIM, Text.safe(note)));
    }
    out.println(summaryLine);
    out.flush();
  }

  private void renderImage(ImageResult image, PrintWriter out) {
    Node root = image.root();
    Verdict verdict = image.verdict();
    String resolved = root.digest().map(d -> " -> " + d).orElse("");
    boolean pulls = verdict == Verdict.OK || verdict == Verdict.WARN;
    if (detail == Detail.FAILURES && pulls) {
      return;
    }
    if (detail == Detail.BRIEF && pulls) {
      Tally tally = Tally.of(image);
      out.println(
          paint(GREEN, "ok")
              + "  "
              + Text.safe(image.reference())
              + resolved
              + "  ("
              + tally.intact()
              + " digests intact"
              + (tally.external() > 0 ? ", " + tally.external() + " external" : "")
              + (tally.warned() > 0 ? ", " + plural(tally.warned(), "warning") : "")
              + ")");
      return;
    }
    out.println();
    out.println(
        paint(BOLD, Text.safe(image.reference()))
            + resolved
            + paint(DIM, "  [" + Text.safe(image.source()) + "]"));
    for (Finding f : image.imageFindings()) {
      out.println("  " + verdictWord(f) + "  " + Text.safe(f.detail()));
    }
    List<Row> rows = new ArrayList<>();
    Graphs.forEachPosition(root, (node, depth, repeat) -> rows.add(new Row(node, depth, repeat)));
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
    String format =
        "  %-"
            + kindWidth
            + "s  %-"
            + platformWidth
            + "s  %-71s  %"
            + sizeWidth
            + "s  %-"
            + statusWidth
            + "s  %s";
    out.println(
        paint(
            DIM,
            String.format(
                Locale.ROOT, format, "KIND", "PLATFORM", "DIGEST", "SIZE", "STATUS", "VERDICT")));
    for (Row r : rows) {
      String kind = "  ".repeat(r.depth) + r.node.kind().label();
      String digest = r.node.digest().map(Digest::toString).orElse("-");
      String verdictText =
          r.repeat ? paint(DIM, "(shared, listed above)") : verdictWord(r.node.finding());
      String detailText =
          (r.repeat ? "" : lineDetail(r.node.finding()))
              + r.node
                  .artifactType()
                  .map(t -> paint(DIM, "  [" + Text.safe(t, 120) + "]"))
                  .orElse("");
      out.println(
          String.format(
                  Locale.ROOT,
                  format,
                  kind,
                  platform(r.node),
                  digest,
                  size(r.node),
                  status(r.node),
                  verdictText)
              + detailText);
    }
  }

  private String lineDetail(Finding finding) {
    return switch (finding) {
      case Finding.Intact intact ->
          intact.notes().isEmpty() ? "" : paint(DIM, "  (" + Text.safe(intact.detail()) + ")");
      case Finding.Missing missing -> "";
      case Finding.External external -> paint(DIM, "  (" + Text.safe(external.detail(), 300) + ")");
      default -> "  " + Text.safe(finding.detail());
    };
  }

  /**
   * Each entry again with its path and what to do, numbered, under a heading; nothing when empty.
   */
  private void section(String title, List<Failure> entries, PrintWriter out) {
    if (entries.isEmpty()) {
      return;
    }
    out.println();
    out.println(paint(BOLD, title + " (" + entries.size() + ")"));
    int n = 1;
    for (Failure f : entries) {
      renderFailure(n++, f, out);
    }
  }

  private void renderFailure(int n, Failure f, PrintWriter out) {
    String what =
        f.node()
            .map(
                node ->
                    node.kind().label()
                        + platformSuffix(node)
                        + " "
                        + node.digest().map(Digest::toString).orElse(""))
            .orElse("image");
    out.println(
        "  "
            + n
            + ". "
            + verdictWord(f.finding())
            + " "
            + what.trim()
            + ": "
            + Text.safe(f.finding().detail()));
    StringBuilder path = new StringBuilder(Text.safe(f.image()));
    for (Node step : f.path()) {
      path.append(" -> ")
          .append(step.kind().label())
          .append(' ')
          .append(step.digest().map(Digest::toString).orElse("?"));
    }
    if (f.node().isPresent() && !f.path().isEmpty()) {
      Node node = f.node().get();
      path.append(" -> ")
          .append(node.kind().label())
          .append(' ')
          .append(node.digest().map(Digest::toString).orElse("?"));
    }
    out.println("     path: " + path);
    out.println("     next: " + f.hint());
  }

  public String summary(RunReport report) {
    RunReport.Counts c = report.counts();
    String result =
        switch (report.exitCode()) {
          case INTACT -> paint(GREEN, "INTACT");
          case INTEGRITY_FAILURE -> paint(RED, "FAIL");
          case CANNOT_CHECK -> paint(YELLOW, "COULD NOT CHECK");
          case USAGE -> "USAGE";
        };
    return String.format(
        Locale.ROOT,
        "%s: %d image%s, %d digest%s: %d intact, %s%d failed, %d unchecked; blob check %s; %d requests in %.2f s (exit %d)",
        result,
        report.images().size(),
        report.images().size() == 1 ? "" : "s",
        c.digests(),
        c.digests() == 1 ? "" : "s",
        c.intact(),
        (c.external() > 0 ? c.external() + " external, " : "")
            + (c.warnings() > 0 ? plural(c.warnings(), "warning") + ", " : ""),
        c.failed(),
        c.unchecked(),
        report.check().label(),
        report.requests(),
        report.duration().toMillis() / 1000.0,
        report.exitCode().code());
  }

  private String verdictWord(Finding finding) {
    return switch (finding.verdict()) {
      case OK ->
          finding instanceof Finding.External
              ? paint(DIM, "external")
              : paint(GREEN, "ok")
                  + (finding instanceof Finding.Intact i
                      ? paint(DIM, " " + i.proof().label())
                      : "");
      case WARN -> paint(YELLOW, finding.code().toUpperCase(Locale.ROOT));
      case FAIL -> paint(RED, finding.code().toUpperCase(Locale.ROOT));
      case UNKNOWN -> paint(YELLOW, finding.code().toUpperCase(Locale.ROOT));
    };
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  private static String platform(Node node) {
    return Text.safe(node.platform().orElse("-"), 60);
  }

  private static String platformSuffix(Node node) {
    return node.platform().map(p -> " " + Text.safe(p, 60)).orElse("");
  }

  private static String status(Node node) {
    return Text.safe(node.status(), 60);
  }

  private static String size(Node node) {
    return node.size() < 0 ? "-" : Long.toString(node.size());
  }

  private String paint(String code, String text) {
    return color ? code + text + RESET : text;
  }

  private record Row(Node node, int depth, boolean repeat) {}
}
