package dev.registryintegrity.probe;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import java.nio.charset.StandardCharsets;

/**
 * One of {@code count} shares of the repositories: a repository belongs to shard {@code
 * sha256(name) mod count}, so every process of a Kubernetes Indexed Job computes the same split
 * without talking to the others.
 */
public record Shard(int index, int count) {
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new InputException(
          "--shard " + index + "/" + count + ": use I/N with 0 <= I < N (e.g. 0/4)");
    }
  }

  public static Shard all() {
    return new Shard(0, 1);
  }

  public static Shard parse(String text) {
    String[] parts = text.trim().split("/");
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new InputException(
          "--shard '" + text + "' is not I/N: write e.g. 0/4 ($(JOB_COMPLETION_INDEX)/4 in a Job)");
    }
  }

  public boolean owns(String repository) {
    if (count == 1) {
      return true;
    }
    String hex = Digest.sha256Of(repository.getBytes(StandardCharsets.UTF_8)).hex();
    return Long.remainderUnsigned(Long.parseUnsignedLong(hex.substring(0, 16), 16), count) == index;
  }

  public boolean isSharded() {
    return count > 1;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
