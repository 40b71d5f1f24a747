package dev.registryintegrity.report;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Tally;
import dev.registryintegrity.walk.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one run found, in the order the user named the images; what renderers render.
 *
 * @param check how hard blobs were looked at, so no reader mistakes "listed" for "served"
 * @param unlisted listings (a catalog, a repository's tags) that could not be read: what they would
 *     have named was not checked, so the run cannot be intact
 * @param leftOut images found intact and not kept (a probe's text report names only what is not
 *     intact, and a registry's worth of intact graphs would not fit its heap): counted, not listed
 */
public record RunReport(
    String command,
    Instant startedAt,
    Duration duration,
    List<ImageResult> images,
    long requests,
    List<String> warnings,
    List<String> notes,
    BlobCheck check,
    int unlisted,
    LeftOut leftOut) {

  public RunReport {
    images = List.copyOf(images);
    warnings = List.copyOf(warnings);
    notes = List.copyOf(notes);
  }

  /** The same run with other warnings (the plugin prints its own in its header). */
  public RunReport withWarnings(List<String> others) {
    return new RunReport(
        command, startedAt, duration, images, requests, others, notes, check, unlisted, leftOut);
  }

  /** How many images the run checked, listed or not. */
  public int imageCount() {
    return images.size() + leftOut.images();
  }

  public ExitCode exitCode() {
    List<Verdict> all = new ArrayList<>();
    images.forEach(i -> all.addAll(i.verdicts()));
    if (unlisted > 0) {
      all.add(Verdict.UNKNOWN);
    }
    return Verdict.exitCode(all);
  }

  /**
   * Counts of unique digests per outcome, over all images (a digest shared by tags counts once per
   * image); external layers and warnings apart from intact, as they prove less.
   */
  public Counts counts() {
    Tally all = new Tally();
    images.forEach(image -> all.addAll(Tally.of(image)));
    return Counts.of(all).plus(leftOut.digests());
  }

  public record Counts(
      int digests, int intact, int external, int warnings, int failed, int unchecked) {
    public static Counts of(Tally tally) {
      return new Counts(
          tally.total(),
          tally.intact(),
          tally.external(),
          tally.warned(),
          tally.failed(),
          tally.unchecked());
    }

    public Counts plus(Counts other) {
      return new Counts(
          digests + other.digests,
          intact + other.intact,
          external + other.external,
          warnings + other.warnings,
          failed + other.failed,
          unchecked + other.unchecked);
    }
  }

  /**
   * Images walked, found intact and not kept: only their number and their digests' tally. Their
   * verdicts are all OK, so the exit code does not need them.
   */
  public record LeftOut(int images, Counts digests) {
    public static final LeftOut NONE = new LeftOut(0, new Counts(0, 0, 0, 0, 0, 0));
  }
}
