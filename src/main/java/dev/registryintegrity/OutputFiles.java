package dev.registryintegrity;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files written for someone else to read: a metrics file for node_exporter, a report for the next
 * pipeline step, a link file for the registry. Each is written beside its place and renamed into
 * it, so it is never read half-written; and it is readable by all, as a file written the usual way
 * is (a temporary file is made 0600, and node_exporter or the registry, running as another user,
 * could not read what root wrote).
 */
public final class OutputFiles {
  private OutputFiles() {}

  /** A new empty file in {@code dir}, rw-r--r-- where the file system has POSIX permissions. */
  public static Path tempIn(Path dir, String prefix, String suffix) throws IOException {
    Path temp = Files.createTempFile(dir, prefix, suffix);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    }
    return temp;
  }
}
