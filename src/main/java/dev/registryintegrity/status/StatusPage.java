package dev.registryintegrity.status;

import dev.registryintegrity.report.Text;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The status page as HTML: the verdict and its age first, then what is broken (the tag, the path to
 * the digest, what to do), then a filterable table. No script and no external asset, so it works
 * offline and under a strict Content-Security-Policy; it refreshes itself with a meta tag.
 */
public final class StatusPage {
  /** Seconds between the page's own reloads. */
  static final int REFRESH_SECONDS = 30;

  /** What the servers send with the page: nothing may load but its own stylesheet. */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none';"
          + " frame-ancestors 'none'";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final String version;

  public StatusPage(String version) {
    this.version = version;
  }

  public String render(Status status, String filter, int page) {
    Status.Page rows = status.page(filter, page);
    StringBuilder h = new StringBuilder(8192);
    String verdict = status.verdict();
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"")
        .append(REFRESH_SECONDS)
        .append("\"><meta name=\"viewport\" content=\"width=device-width\">")
        .append("<title>")
        .append(esc(verdict.toUpperCase(Locale.ROOT) + " - " + status.title()))
        .append("</title><link rel=\"stylesheet\" href=\"status.css\"></head>\n<body>\n");
    h.append("<header id=\"verdict\" class=\"")
        .append(verdict)
        .append("\"><h1>")
        .append(esc(verdict.toUpperCase(Locale.ROOT)))
        .append("</h1><p class=\"title\">")
        .append(esc(status.title()))
        .append("</p>");
    if (status.lastRun().isPresent()) {
      Status.LastRun run = status.lastRun().get();
      h.append("<p>last run finished <strong>")
          .append(age(run.finishedAt(), status.now()))
          .append(" ago</strong> (")
          .append(TIME.format(run.finishedAt()))
          .append(") and took ")
          .append(seconds(run.duration()))
          .append("</p><p class=\"summary\">")
          .append(esc(run.summary()))
          .append("</p>");
    } else if (rows.matching() == 0 && status.rows().isEmpty()) {
      h.append("<p>no verdict yet: the first check has not finished</p>");
    }
    status
        .running()
        .ifPresent(
            r -> h.append("<p class=\"running\">now running: ").append(esc(r)).append("</p>"));
    h.append("</header>\n");
    problems(h, status);
    table(h, status, rows);
    h.append("<footer>registry-integrity ")
        .append(esc(version))
        .append(" &middot; shown ")
        .append(TIME.format(status.now()))
        .append(", reloads every ")
        .append(REFRESH_SECONDS)
        .append(" s &middot; <a href=\"status.json\">status.json</a> &middot; ")
        .append("<a href=\"metrics\">metrics</a></footer>\n</body></html>\n");
    return h.toString();
  }

  private static void problems(StringBuilder h, Status status) {
    long broken = status.problems().stream().filter(p -> !p.severity().equals("warning")).count();
    long warnings = status.problems().size() - broken;
    h.append("<section id=\"problems\"><h2>");
    if (status.problems().isEmpty()) {
      h.append("Nothing broken</h2></section>\n");
      return;
    }
    h.append(broken)
        .append(broken == 1 ? " problem" : " problems")
        .append(warnings > 0 ? ", " + warnings + (warnings == 1 ? " warning" : " warnings") : "")
        .append("</h2>\n");
    for (Status.Problem p : status.problems()) {
      h.append("<article class=\"problem ")
          .append(p.severity())
          .append("\"><h3><span class=\"badge\">")
          .append(esc(p.severity()))
          .append("</span> <span class=\"image\">")
          .append(esc(p.image()))
          .append("</span></h3><p class=\"what\">")
          .append(esc(p.kind()))
          .append(p.digest().map(d -> " <code class=\"digest\">" + esc(d) + "</code>").orElse(""))
          .append(": ")
          .append(esc(p.detail()))
          .append("</p>");
      if (!p.path().isEmpty()) {
        h.append("<ol class=\"path\"><li>tag <code>").append(esc(p.image())).append("</code></li>");
        for (String step : p.path()) {
          h.append("<li><code>").append(esc(step)).append("</code></li>");
        }
        h.append("</ol>");
      }
      if (!p.hint().isEmpty()) {
        h.append("<p class=\"fix\">").append(esc(p.hint())).append("</p>");
      }
      h.append("</article>\n");
    }
    if (status.moreProblems() > 0) {
      h.append("<p class=\"more\">and ")
          .append(status.moreProblems())
          .append(" more: the JSON report of a one-shot run lists them all</p>\n");
    }
    h.append("</section>\n");
  }

  private static void table(StringBuilder h, Status status, Status.Page page) {
    String label = status.rowsLabel();
    boolean repositories = label.equals("repository");
    h.append("<section id=\"rows\"><h2>")
        .append(status.rows().size())
        .append(' ')
        .append(esc(Text.plural(label, status.rows().size())))
        .append("</h2>");
    h.append("<form method=\"get\" action=\"\"><label>filter <input name=\"q\" value=\"")
        .append(esc(page.filter()))
        .append("\"></label> <button>show</button></form>\n");
    if (page.matching() < status.rows().size()) {
      h.append("<p>")
          .append(page.matching())
          .append(" match <code>")
          .append(esc(page.filter()))
          .append("</code></p>");
    }
    h.append("<table><thead><tr><th>")
        .append(esc(label))
        .append("</th><th>verdict</th>")
        .append(repositories ? "<th>tags</th>" : "")
        .append("<th>digests</th><th>broken</th><th>checked</th></tr></thead><tbody>\n");
    for (Status.Row r : page.rows()) {
      h.append("<tr class=\"")
          .append(r.verdict())
          .append("\"><td>")
          .append(esc(r.name()))
          .append("</td><td>")
          .append(esc(r.verdict()))
          .append("</td>")
          .append(repositories ? "<td>" + r.tags() + "</td>" : "")
          .append("<td>")
          .append(r.digests())
          .append("</td><td>")
          .append(r.broken())
          .append("</td><td>")
          .append(age(r.checkedAt(), status.now()))
          .append(" ago</td></tr>\n");
    }
    h.append("</tbody></table>\n");
    if (page.pages() > 1) {
      h.append("<nav>page ").append(page.number()).append(" of ").append(page.pages());
      if (page.number() > 1) {
        h.append(" <a href=\"")
            .append(link(page.filter(), page.number() - 1))
            .append("\">previous</a>");
      }
      if (page.number() < page.pages()) {
        h.append(" <a href=\"")
            .append(link(page.filter(), page.number() + 1))
            .append("\">next</a>");
      }
      h.append("</nav>\n");
    }
    h.append("</section>\n");
  }

  private static String link(String filter, int page) {
    return esc("?q=" + URLEncoder.encode(filter, StandardCharsets.UTF_8) + "&page=" + page);
  }

  /** "3 s", "4 min", "2 h", "5 d": how old a verdict is, at a glance. */
  static String age(Instant then, Instant now) {
    long s = Math.max(0, Duration.between(then, now).toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    if (s < 172_800) {
      return s / 3600 + " h";
    }
    return s / 86_400 + " d";
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /**
   * Text for HTML text and attribute values: control and invisible characters shown as escapes
   * first (as in the terminal), then the five characters HTML gives meaning to.
   */
  static String esc(String text) {
    String safe = Text.safe(text);
    StringBuilder b = new StringBuilder(safe.length() + 16);
    for (int i = 0; i < safe.length(); i++) {
      char c = safe.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The page's stylesheet, served beside it (a strict policy forbids inline styles). */
  public static final String CSS =
      """
      body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
      header{padding:1em 1.5em;color:#fff;background:#57606a}
      header.intact{background:#1a7f37}header.broken{background:#cf222e}
      header.unchecked,header.warning{background:#9a6700}
      h1{margin:0;font-size:2em;letter-spacing:.05em}header p{margin:.2em 0}
      .summary{font-family:ui-monospace,monospace;font-size:.85em;opacity:.9}
      section{padding:0 1.5em}h2{margin:1em 0 .5em}
      article.problem{background:#fff;border-left:6px solid #cf222e;margin:.6em 0;padding:.5em 1em}
      article.unchecked,article.warning{border-left-color:#9a6700}
      h3{margin:.2em 0;font-size:1.05em}.badge{text-transform:uppercase;font-size:.75em;
      padding:.1em .4em;border-radius:3px;background:#cf222e;color:#fff}
      .unchecked .badge,.warning .badge{background:#9a6700}
      code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
      ol.path{margin:.3em 0;padding-left:1.5em;font-size:.9em}.fix{color:#57606a;margin:.3em 0}
      table{border-collapse:collapse;background:#fff;width:100%;font-size:.9em}
      th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #d0d7de}
      tr.broken td:nth-child(2){color:#cf222e;font-weight:600}
      tr.unchecked td:nth-child(2),tr.warning td:nth-child(2){color:#9a6700;font-weight:600}
      tr.intact td:nth-child(2){color:#1a7f37}
      form{margin:.5em 0}nav{margin:.5em 0}
      footer{padding:1.5em;color:#57606a;font-size:.85em}
      """;
}
