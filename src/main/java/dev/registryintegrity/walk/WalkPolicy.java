package dev.registryintegrity.walk;

import dev.registryintegrity.source.BlobCheck;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a walk proves and follows, as opposed to how much it may ask ({@link WalkLimits}).
 *
 * @param blobCheck what a blob must show to count as intact (listed, first byte served, hashed)
 * @param options what the walk does besides: each named, so two of them cannot be swapped
 */
public record WalkPolicy(BlobCheck blobCheck, Set<WalkPolicy.Option> options) {

  public enum Option {
    /** Also find and walk each manifest's referrers (signatures, SBOMs, attestations). */
    REFERRERS,
    /**
     * An external layer the registry does not hold gets its first byte read from its URL (never
     * with the registry's credentials); otherwise it is reported as external only.
     */
    CHECK_EXTERNAL,
    /** Warnings (an orphaned referrer) fail the image like any integrity failure. */
    STRICT,
    /**
     * Read a blob's bytes in every repository that references it, not once per run (for storage
     * that keeps bytes per repository).
     */
    READ_EVERY_REPOSITORY
  }

  public WalkPolicy {
    options = options.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(options));
  }

  /** The default: each blob's first byte served, nothing else followed. */
  public static WalkPolicy defaults() {
    return of(BlobCheck.READ);
  }

  public static WalkPolicy of(BlobCheck blobCheck, Option... options) {
    return new WalkPolicy(blobCheck, Set.of(options));
  }

  public boolean has(Option option) {
    return options.contains(option);
  }

  public boolean referrers() {
    return has(Option.REFERRERS);
  }

  public boolean strict() {
    return has(Option.STRICT);
  }
}
