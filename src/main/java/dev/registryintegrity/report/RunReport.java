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
    int unlisted) {

  public RunReport {
    images = List.copyOf(images);
    warnings = List.copyOf(warnings);
    notes = List.copyOf(notes);
  }

  public RunReport(
      String command,
      Instant startedAt,
      Duration duration,
      List<ImageResult> images,
      long requests,
      List<String> warnings,
      List<String> notes,
      BlobCheck check) {
    this(command, startedAt, duration, images, requests, warnings, notes, check, 0);
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
    return new Counts(
        all.total(), all.intact(), all.external(), all.warned(), all.failed(), all.unchecked());
  }

  public record Counts(
      int digests, int intact, int external, int warnings, int failed, int unchecked) {}
}
