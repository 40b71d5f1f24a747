package dev.registryintegrity.source;

import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** A file streamed through a hasher in the algorithm of the digest it should have. */
public record FileHash(Digest digest, long length) {

  public static FileHash of(Digest expected, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return of(expected, in);
    }
  }

  /** Reads {@code in} to its end; the caller closes it. */
  public static FileHash of(Digest expected, InputStream in) throws IOException {
    MessageDigest hasher = expected.newHasher();
    byte[] buffer = new byte[64 * 1024];
    long length = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      hasher.update(buffer, 0, n);
      length += n;
    }
    return new FileHash(expected.finish(hasher), length);
  }
}
