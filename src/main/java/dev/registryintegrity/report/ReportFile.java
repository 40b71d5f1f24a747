package dev.registryintegrity.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the JSON report atomically (temp file, then rename), so a later step never reads half a
 * report. The report is a by-product: failing to write it is said loudly, never turned into another
 * verdict.
 */
public final class ReportFile {
  private ReportFile() {}

  /** Returns whether the file was written; says what happened on {@code log} either way. */
  public static boolean write(String json, Path file, PrintWriter log) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path temp = Files.createTempFile(parent, ".registry-integrity-", ".json");
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
              "warning: could not write the JSON report to {}: permission denied for {} on {} (the"
                  + " workspace is usually root's: make the directory writable in an earlier step,"
                  + " e.g. mkdir -p reports && chmod 777 reports); the verdict above stands",
              file,
              System.getProperty("user.name"),
              e.getFile());
      return false;
    } catch (IOException | RuntimeException e) {
      new Console(log)
          .line(
              "warning: could not write the JSON report to {} ({}); the verdict above stands",
              file,
              e);
      return false;
    }
  }
}
