package dev.registryintegrity.walk;

import dev.registryintegrity.InputException;

/**
 * Bounds that keep a hostile or broken graph from hanging the walk or exhausting memory.
 *
 * @param concurrency requests in flight at once against one source
 * @param maxDepth nesting below the tag's manifest (index -> index -> manifest -> layer ...)
 * @param maxManifestBytes distribution refuses manifests over 4 MiB on push; so do we on read
 * @param maxIndexEntries entries of one index walked before it is reported instead
 */
public record WalkLimits(int concurrency, int maxDepth, int maxManifestBytes, int maxIndexEntries) {
  public static final int DEFAULT_CONCURRENCY = 8;

  public WalkLimits {
    if (concurrency < 1 || concurrency > 256) {
      throw new InputException(
          "concurrency " + concurrency + " is out of range: use a number from 1 to 256");
    }
  }

  public static WalkLimits defaults() {
    return withConcurrency(DEFAULT_CONCURRENCY);
  }

  public static WalkLimits withConcurrency(int concurrency) {
    return new WalkLimits(concurrency, 8, 4 * 1024 * 1024, 10_000);
  }
}
