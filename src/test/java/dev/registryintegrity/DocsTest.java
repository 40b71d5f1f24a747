package dev.registryintegrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation's shape: a short README that is a front door, one man page per command (the
 * headings of skopeo's, an options span a generator fills from the code), and no link that leads
 * nowhere.
 */
class DocsTest {
  private static final List<String> COMMANDS =
      List.of("verify", "probe", "watch", "fsck", "refs", "heal", "gc-check", "retain", "attach");
  private static final List<String> MAN_PAGE_HEADINGS =
      List.of(
          "## NAME",
          "## SYNOPSIS",
          "## DESCRIPTION",
          "## OPTIONS",
          "## EXAMPLES",
          "## EXIT CODES",
          "## SEE ALSO");
  private static final String BEGIN_OPTIONS = "<!-- BEGIN GENERATED OPTIONS -->";
  private static final String END_OPTIONS = "<!-- END GENERATED OPTIONS -->";

  /** [text](target) and ![alt](target); the target up to the first space or parenthesis. */
  private static final Pattern LINK =
      Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s[^)]*)?\\)");

  @Test
  void theReadmeIsAFrontDoorOfAtMost250Lines() throws IOException {
    int lines = Files.readAllLines(Path.of("README.md")).size();
    assertTrue(lines <= 250, "README.md has " + lines + " lines; move reference material to docs/");
  }

  @Test
  void everyCommandHasAManPageWithTheHeadingsInOrderAndAnOptionsSpan() throws IOException {
    for (String command : COMMANDS) {
      Path page = Path.of("docs", command + ".md");
      assertTrue(Files.exists(page), page + " is missing");
      List<String> lines = prose(Files.readAllLines(page));
      assertEquals("# registry-integrity-" + command, lines.get(0), page + ": first line");
      List<String> headings = lines.stream().filter(l -> l.startsWith("## ")).toList();
      assertEquals(MAN_PAGE_HEADINGS, headings, page + ": the man-page headings, in order");

      assertEquals(1, lines.stream().filter(BEGIN_OPTIONS::equals).count(), page + ": one BEGIN");
      assertEquals(1, lines.stream().filter(END_OPTIONS::equals).count(), page + ": one END");
      int options = lines.indexOf("## OPTIONS");
      int begin = lines.indexOf(BEGIN_OPTIONS);
      int end = lines.indexOf(END_OPTIONS);
      int examples = lines.indexOf("## EXAMPLES");
      assertTrue(
          options < begin && begin < end && end < examples,
          page + ": the options span belongs under ## OPTIONS, before ## EXAMPLES");
      assertTrue(
          lines.subList(begin, end).stream().anyMatch(l -> l.contains("--help`")),
          page + ": the options span lists the command's options");
    }
  }

  @Test
  void theReadmeLinksEveryPageUnderDocs() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (Path page : markdownUnder(Path.of("docs"))) {
      String target = "](docs/" + page.getFileName() + ")";
      assertTrue(readme.contains(target), "README.md does not link " + page);
    }
  }

  @Test
  void everyRelativeLinkResolvesToAFileAndItsAnchor() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(Path.of("README.md"));
    pages.add(Path.of("CONTRIBUTING.md"));
    pages.add(Path.of("plugin/docs.md"));
    pages.addAll(markdownUnder(Path.of("docs")));
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String line : prose(Files.readAllLines(page))) {
        Matcher m = LINK.matcher(withoutInlineCode(line));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            continue; // https:, mailto: ...: not ours to check offline
          }
          checked++;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          String anchor = hash < 0 ? null : target.substring(hash + 1);
          Path resolved =
              file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
          if (!Files.exists(resolved)) {
            broken.add(page + ": " + target + " (no such file)");
            continue;
          }
          if (anchor != null) {
            if (!resolved.toString().endsWith(".md")) {
              broken.add(page + ": " + target + " (an anchor into a file that is not Markdown)");
              continue;
            }
            Set<String> known = anchors.computeIfAbsent(resolved, DocsTest::anchorsOf);
            if (!known.contains(anchor)) {
              broken.add(page + ": " + target + " (no heading gives #" + anchor + ")");
            }
          }
        }
      }
    }
    assertTrue(checked > 100, "only " + checked + " relative links found: is the pattern right?");
    assertEquals(List.of(), broken);
  }

  @Test
  void anchorsAreSluggedAsGitHubDoes() {
    assertEquals(
        "warnings-orphaned-referrers-and---strict",
        slug("Warnings: orphaned referrers, and `--strict`"));
    assertEquals("the-json-report-schema-version-1", slug("The JSON report (schema version 1)"));
    assertEquals("set-up-distributions-notifications", slug("Set up distribution's notifications"));
  }

  private static List<Path> markdownUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }

  /** The lines outside fenced code blocks: a `# comment` in a shell block is not a heading. */
  private static List<String> prose(List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : lines) {
      if (line.stripLeading().startsWith("```")) {
        fenced = !fenced;
        out.add("");
        continue;
      }
      out.add(fenced ? "" : line);
    }
    return out;
  }

  private static String withoutInlineCode(String line) {
    return line.replaceAll("`[^`]*`", "``");
  }

  private static Set<String> anchorsOf(Path page) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    try {
      for (String line : prose(Files.readAllLines(page))) {
        Matcher m = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
        if (m.matches()) {
          String base = slug(m.group(1));
          int n = seen.merge(base, 1, Integer::sum) - 1;
          anchors.add(n == 0 ? base : base + "-" + n);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return anchors;
  }

  /** GitHub's heading anchors: lower case, punctuation but '-' and '_' dropped, spaces to '-'. */
  private static String slug(String heading) {
    return heading
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N}\\p{M}_\\- ]", "")
        .replace(' ', '-');
  }
}
