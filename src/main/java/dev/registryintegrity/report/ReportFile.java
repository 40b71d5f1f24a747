package dev.registryintegrity.report;

import dev.registryintegrity.OutputFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the JSON report atomically (temp file, then rename), so a later step never reads half a
 * report. A later step reads it, so a report asked for and not written fails a run that would
 * otherwise pass (exit 2, {@link #exitCode}); a broken image's exit code stands.
 */
public final class ReportFile {
  private ReportFile() {}

  /**
   * The run's exit code once the report was (not) written: an intact run whose report a later step
   * needs and cannot have is a configuration error; a failing run keeps its own answer.
   */
  public static dev.registryintegrity.ExitCode exitCode(
      dev.registryintegrity.ExitCode verdict, boolean written) {
    return written || verdict != dev.registryintegrity.ExitCode.INTACT
        ? verdict
        : dev.registryintegrity.ExitCode.USAGE;
  }

  /** Returns whether the file was written; says what happened on {@code log} either way. */
  public static boolean write(String json, Path file, PrintWriter log) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temp = OutputFiles.tempIn(parent, ".registry-integrity-", ".json");
      try {
        Files.writeString(temp, json + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
      new Console(log).line("report written to {}", file);
      return true;
    } catch (AccessDeniedException e) {
      new Console(log)
          .line(
              "error: could not write the JSON report to {}: permission denied for {} on {} (give the"
                  + " step a directory it may write, e.g. mkdir -p reports && chmod 777 reports in an"
                  + " earlier step)",
              file,
              System.getProperty("user.name"),
              e.getFile());
      return false;
    } catch (java.nio.file.NoSuchFileException e) {
      new Console(log)
          .line(
              "error: could not write the JSON report to {}: {} does not exist", file, e.getFile());
      return false;
    } catch (IOException | RuntimeException e) {
      new Console(log)
          .line(
              "error: could not write the JSON report to {}: {}",
              file,
              String.valueOf(e.getMessage()));
      return false;
    }
  }
}
