package dev.registryintegrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a file a user (or a pull request's settings) named: it must be a regular file, and only so
 * much of it is read. A device ({@code /dev/zero}) would exhaust memory, a FIFO would block
 * forever, a directory has nothing to read: each is a usage error naming the input, never a crash
 * or a hang.
 */
public final class InputFiles {
  /** CA bundles, docker configs, metadata files: a few KiB in practice. */
  public static final int SMALL = 4 << 20;

  private InputFiles() {}

  /** The file's text (UTF-8), at most {@code maxBytes}; {@code what} names the input in errors. */
  public static String readText(String what, Path file, int maxBytes) {
    return new String(read(what, file, maxBytes), StandardCharsets.UTF_8);
  }

  public static byte[] read(String what, Path file, int maxBytes) {
    if (!Files.exists(file)) {
      throw new InputException(what + ": " + file + " does not exist: check the path");
    }
    if (!Files.isRegularFile(file)) {
      throw new InputException(
          what
              + ": "
              + file
              + " is not a regular file (a directory, device or pipe): give the path of a file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new InputException(
            what
                + ": "
                + file
                + " is larger than "
                + maxBytes / 1024
                + " KiB, more than such a file ever holds: is it the right file?");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new InputException(what + ": " + file + " does not exist: check the path");
    } catch (AccessDeniedException e) {
      throw new InputException(what + ": " + file + " is not readable: fix its permissions");
    } catch (IOException e) {
      throw new InputException(
          what + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Resolves {@code given} against {@code root} and refuses anything that ends up outside it,
   * symbolic links followed: settings come from the pipeline file, which a pull request from a fork
   * may change, and must not read or write outside the workspace.
   */
  public static Path inside(String what, Path root, String given) {
    Path base = root.toAbsolutePath().normalize();
    Path resolved = base.resolve(given.trim()).normalize();
    try {
      Path realBase = Files.exists(base) ? base.toRealPath() : base;
      Path existing = resolved;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      Path real =
          existing == null
              ? resolved
              : existing.toRealPath().resolve(existing.relativize(resolved));
      if (resolved.startsWith(base) && real.normalize().startsWith(realBase)) {
        return resolved;
      }
    } catch (IOException e) {
      throw new InputException(
          what + ": cannot resolve '" + given + "' (" + e.getClass().getSimpleName() + ")");
    }
    throw new InputException(
        what
            + ": '"
            + given
            + "' is outside the workspace "
            + base
            + ": give a path inside it (relative to the workspace)");
  }
}
