package dev.registryintegrity.walk;

import dev.registryintegrity.source.BlobCheck;

/**
 * How much a walk may ask at once and how far it goes: the bounds that keep a hostile or broken
 * graph from hanging it or exhausting memory. What it proves is {@link WalkPolicy}.
 *
 * @param concurrency requests in flight at once against one source
 * @param maxDepth nesting below the tag's manifest (index -> index -> manifest -> layer ...)
 * @param maxManifestBytes distribution refuses manifests over 4 MiB on push; so do we on read
 * @param maxIndexEntries entries of one index walked before it is reported instead
 * @param maxContentBytes under {@link BlobCheck#CONTENT}, larger blobs are read-checked only (said
 *     in their note): a bound on what one hostile descriptor can make us download
 */
public record WalkLimits(
    int concurrency,
    int maxDepth,
    int maxManifestBytes,
    int maxIndexEntries,
    long maxContentBytes) {
  public static final int DEFAULT_CONCURRENCY = 8;
  public static final int MAX_DEPTH = 8;
  public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  public static final int MAX_INDEX_ENTRIES = 10_000;

  /**
   * Configs are downloaded and hashed even by the default check: they are small, and a corrupt
   * config breaks {@code docker run} of an image whose layers are fine.
   */
  public static final long CONFIG_HASH_LIMIT = 4L << 20;

  public WalkLimits {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency " + concurrency + " is below 1");
    }
    if (maxContentBytes < 1) {
      throw new IllegalArgumentException("max content bytes " + maxContentBytes + " is below 1");
    }
  }

  public static WalkLimits defaults() {
    return of(DEFAULT_CONCURRENCY, BlobCheck.DEFAULT_MAX_CONTENT_BYTES);
  }

  /**
   * What a user chooses, within the bounds every walk keeps (depth, manifest size, index width).
   */
  public static WalkLimits of(int concurrency, long maxContentBytes) {
    return new WalkLimits(
        concurrency, MAX_DEPTH, MAX_MANIFEST_BYTES, MAX_INDEX_ENTRIES, maxContentBytes);
  }
}
