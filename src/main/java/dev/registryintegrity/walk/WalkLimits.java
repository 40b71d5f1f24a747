package dev.registryintegrity.walk;

import dev.registryintegrity.InputException;
import dev.registryintegrity.source.BlobCheck;

/**
 * How far and how hard a walk looks, and the bounds that keep a hostile or broken graph from
 * hanging it or exhausting memory.
 *
 * @param concurrency requests in flight at once against one source
 * @param maxDepth nesting below the tag's manifest (index -> index -> manifest -> layer ...)
 * @param maxManifestBytes distribution refuses manifests over 4 MiB on push; so do we on read
 * @param maxIndexEntries entries of one index walked before it is reported instead
 * @param blobCheck what a blob must show to count as intact (listed, first byte served, hashed)
 * @param maxContentBytes under {@link BlobCheck#CONTENT}, larger blobs are read-checked only (said
 *     in their note): a bound on what one hostile descriptor can make us download
 * @param referrers also find and walk each manifest's referrers (signatures, SBOMs, attestations)
 * @param checkExternal an external layer the registry does not hold gets its first byte read from
 *     its URL (never with the registry's credentials); otherwise it is reported as external only
 * @param strict warnings (an orphaned referrer) fail the image like any integrity failure
 * @param readEveryRepository read a blob's bytes in every repository that references it, not once
 *     per run (for storage that keeps bytes per repository)
 */
public record WalkLimits(
    int concurrency,
    int maxDepth,
    int maxManifestBytes,
    int maxIndexEntries,
    BlobCheck blobCheck,
    long maxContentBytes,
    boolean referrers,
    boolean checkExternal,
    boolean strict,
    boolean readEveryRepository) {
  public static final int DEFAULT_CONCURRENCY = 8;

  /**
   * Configs are downloaded and hashed even by the default check: they are small, and a corrupt
   * config breaks {@code docker run} of an image whose layers are fine.
   */
  public static final long CONFIG_HASH_LIMIT = 4L << 20;

  public WalkLimits {
    if (concurrency < 1 || concurrency > 256) {
      throw new InputException(
          "concurrency " + concurrency + " is out of range: use a number from 1 to 256");
    }
    if (maxContentBytes < 1) {
      throw new InputException(
          "max content bytes " + maxContentBytes + " is out of range: use a positive size");
    }
  }

  public static WalkLimits defaults() {
    return withConcurrency(DEFAULT_CONCURRENCY);
  }

  public static WalkLimits withConcurrency(int concurrency) {
    return of(
        concurrency,
        BlobCheck.READ,
        BlobCheck.DEFAULT_MAX_CONTENT_BYTES,
        false,
        false,
        false,
        false);
  }

  /**
   * What a user chooses, within the bounds every walk keeps (depth, manifest size, index width).
   */
  public static WalkLimits of(
      int concurrency,
      BlobCheck blobCheck,
      long maxContentBytes,
      boolean referrers,
      boolean checkExternal,
      boolean strict,
      boolean readEveryRepository) {
    return new WalkLimits(
        concurrency,
        8,
        4 * 1024 * 1024,
        10_000,
        blobCheck,
        maxContentBytes,
        referrers,
        checkExternal,
        strict,
        readEveryRepository);
  }
}
