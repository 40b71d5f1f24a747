package dev.registryintegrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies stay the layering docs/architecture.md draws: values at the bottom,
 * the walker above the sources and below the renderers, transports never seen by the walker, the
 * commands on top. Read from the sources (imports and qualified names), so a new dependency is a
 * decision made here, in the open.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/dev/registryintegrity");

  /** Each package and the packages of ours it may use ("" is the root package). */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("", Set.of()),
          Map.entry("model", Set.of("")),
          Map.entry("reference", Set.of("", "model")),
          Map.entry("source", Set.of("", "model")),
          Map.entry("walk", Set.of("", "model", "source")),
          Map.entry("report", Set.of("", "model", "source", "walk")),
          Map.entry("serve", Set.of("", "report")),
          Map.entry("status", Set.of("", "model", "walk", "report", "serve")),
          Map.entry(
              "registry",
              Set.of(
                  "",
                  "model",
                  "reference",
                  "source",
                  "registry.transport",
                  "registry.credentials")),
          Map.entry("registry.transport", Set.of("", "model", "registry.credentials")),
          Map.entry("registry.credentials", Set.of("", "model")),
          Map.entry("layout", Set.of("", "model", "source")),
          Map.entry("storage.driver", Set.of("")),
          Map.entry("storage.s3", Set.of("", "storage.driver")),
          Map.entry(
              "storage",
              Set.of("", "model", "source", "walk", "report", "storage.driver", "storage.s3")),
          Map.entry(
              "verify",
              Set.of("", "model", "reference", "source", "walk", "report", "registry", "layout")),
          Map.entry(
              "probe",
              Set.of(
                  "",
                  "model",
                  "reference",
                  "source",
                  "walk",
                  "report",
                  "registry",
                  "verify",
                  "serve",
                  "status")),
          Map.entry(
              "watch",
              Set.of("", "model", "reference", "source", "walk", "report", "serve", "status")),
          Map.entry(
              "heal",
              Set.of(
                  "",
                  "model",
                  "source",
                  "walk",
                  "report",
                  "registry",
                  "registry.transport",
                  "layout",
                  "storage",
                  "storage.driver")),
          Map.entry("attach", Set.of("", "model", "source", "walk", "registry")),
          Map.entry(
              "retain",
              Set.of(
                  "",
                  "model",
                  "reference",
                  "source",
                  "walk",
                  "report",
                  "registry",
                  "verify",
                  "storage")),
          Map.entry(
              "plugin",
              Set.of("", "model", "reference", "source", "walk", "report", "registry", "verify")),
          Map.entry(
              "cli",
              Set.of(
                  "",
                  "model",
                  "reference",
                  "source",
                  "walk",
                  "report",
                  "registry",
                  "layout",
                  "storage",
                  "verify",
                  "heal",
                  "retain",
                  "attach",
                  "probe",
                  "watch",
                  "serve",
                  "plugin")));

  private static final Pattern USE =
      Pattern.compile("dev\\.registryintegrity\\.((?:[a-z]+\\.)*)[A-Z]");

  private static List<Path> sources() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static String packageOf(Path file) {
    Path dir = MAIN.relativize(file).getParent();
    return dir == null ? "" : dir.toString().replace('/', '.');
  }

  @Test
  void packagesUseOnlyThePackagesBelowThem() throws IOException {
    Map<String, Set<String>> violations = new TreeMap<>();
    int uses = 0;
    for (Path file : sources()) {
      String own = packageOf(file);
      Set<String> allowed = ALLOWED.get(own);
      assertTrue(
          allowed != null,
          "package '" + own + "' is not in the architecture: add it to ALLOWED and the docs");
      Matcher m = USE.matcher(Files.readString(file));
      while (m.find()) {
        String path = m.group(1);
        String used = path.isEmpty() ? "" : path.substring(0, path.length() - 1);
        uses++;
        // A package allowed to use "registry" may use its parts too: the parts' own rules are
        // their entries here.
        String top = used.contains(".") ? used.substring(0, used.indexOf('.')) : used;
        boolean inside = own.startsWith(top + ".") || own.equals(top);
        if (!used.equals(own) && !allowed.contains(used) && (inside || !allowed.contains(top))) {
          violations
              .computeIfAbsent(file.getFileName() + " (" + own + ")", k -> new TreeSet<>())
              .add(used);
        }
      }
    }
    assertTrue(uses > 100, "the scan found the sources' uses of each other");
    assertEquals(Map.of(), violations, "dependencies outside the layering");
  }

  @Test
  void everyPackageSaysWhatItOwns() throws IOException {
    Set<String> packages = new TreeSet<>();
    sources().forEach(f -> packages.add(packageOf(f)));
    List<String> missing = new ArrayList<>();
    for (String p : packages) {
      Path info = MAIN.resolve(p.replace('.', '/')).resolve("package-info.java");
      if (!Files.exists(info) || Files.readString(info).length() < 80) {
        missing.add(p.isEmpty() ? "(root)" : p);
      }
    }
    assertEquals(
        List.of(), missing, "packages without a package-info.java that says what they own");
    assertEquals(
        ALLOWED.keySet(), packages, "the architecture lists exactly the packages there are");
  }

  @Test
  void noStaticMutableState() throws IOException {
    Pattern field =
        Pattern.compile(
            "(?m)^\\s*(?:private |public |protected )?static (?!final )[\\w<>, ?\\[\\]]+ \\w+\\s*[=;]");
    Pattern mutableConstant =
        Pattern.compile(
            "static final [\\w<>, ?]+ \\w+ =\\s*new (?:java\\.util\\.)?(?:concurrent\\.)?(?:Hash|ConcurrentHash|LinkedHash|Tree|Array|Atomic)");
    List<String> found = new ArrayList<>();
    for (Path file : sources()) {
      String text = Files.readString(file);
      if (field.matcher(text).find() || mutableConstant.matcher(text).find()) {
        found.add(MAIN.relativize(file).toString());
      }
    }
    assertEquals(
        List.of(), found, "static fields that can change: pass state in through constructors");
  }
}
