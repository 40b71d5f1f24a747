package dev.registryintegrity.reference;

import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Which repositories of a registry a run covers, as the probe and retention select them: globs to
 * include (none: all) and to exclude after, {@code *} within a path component and {@code **} across
 * them.
 */
public record RepositorySelection(List<String> include, List<String> exclude) {
  public RepositorySelection {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    for (String pattern : include) {
      valid("--include", pattern);
    }
    for (String pattern : exclude) {
      valid("--exclude", pattern);
    }
  }

  /** Whether the globs leave anything out: with repositories named one by one, they would not. */
  public boolean selects() {
    return !include.isEmpty() || !exclude.isEmpty();
  }

  private static void valid(String option, String pattern) {
    try {
      glob(pattern);
    } catch (IllegalArgumentException e) {
      throw new InputException(
          option + " '" + pattern + "' is not a glob: use * within a path part, ** across them");
    }
  }

  public boolean wanted(String repository) {
    Path name = Path.of(repository);
    boolean included = include.isEmpty() || include.stream().anyMatch(g -> glob(g).matches(name));
    return included && exclude.stream().noneMatch(g -> glob(g).matches(name));
  }

  private static PathMatcher glob(String pattern) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
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
