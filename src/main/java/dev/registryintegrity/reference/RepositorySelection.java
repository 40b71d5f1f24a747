package dev.registryintegrity.reference;

import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Which repositories of a registry a run covers, as the probe and retention select them: globs to
 * include (none: all) and to exclude after, {@code *} within a path component and {@code **} across
 * them.
 */
public final class RepositorySelection {
  private final List<PathMatcher> include;
  private final List<PathMatcher> exclude;

  /** Each glob compiled once here: a glob that does not compile is a usage error naming it. */
  public RepositorySelection(List<String> include, List<String> exclude) {
    this.include = compile("--include", include);
    this.exclude = compile("--exclude", exclude);
  }

  /** Whether the globs leave anything out: with repositories named one by one, they would not. */
  public boolean selects() {
    return !include.isEmpty() || !exclude.isEmpty();
  }

  public boolean wanted(String repository) {
    Path name = Path.of(repository);
    boolean included = include.isEmpty() || include.stream().anyMatch(g -> g.matches(name));
    return included && exclude.stream().noneMatch(g -> g.matches(name));
  }

  private static List<PathMatcher> compile(String option, List<String> patterns) {
    List<PathMatcher> matchers = new ArrayList<>();
    for (String pattern : patterns) {
      try {
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      } catch (IllegalArgumentException e) {
        throw new InputException(
            option + " '" + pattern + "' is not a glob: use * within a path part, ** across them");
      }
    }
    return List.copyOf(matchers);
  }

  /** A {@code --repos-file}: one repository a line; blank lines and '#' comments are not names. */
  public static List<String> readFile(Path file) {
    return InputFiles.readText("--repos-file", file, 64 << 20)
        .lines()
        .map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }
}
