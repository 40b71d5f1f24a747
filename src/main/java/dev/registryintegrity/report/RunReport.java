package dev.registryintegrity.report;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
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
    int ok = 0;
    int external = 0;
    int warned = 0;
    int failed = 0;
    int unknown = 0;
    for (ImageResult image : images) {
      List<Node> nodes = new ArrayList<>();
      Graphs.forEachUnique(image.root(), (node, path) -> nodes.add(node));
      for (Node node : nodes) {
        switch (node.finding().verdict()) {
          case OK -> {
            if (node.finding() instanceof Finding.External) {
              external++;
            } else {
              ok++;
            }
          }
          case WARN -> warned++;
          case FAIL -> failed++;
          case UNKNOWN -> unknown++;
        }
      }
      for (var finding : image.imageFindings()) {
        if (finding.verdict() == Verdict.FAIL) {
          failed++;
        }
      }
    }
    return new Counts(
        ok + external + warned + failed + unknown, ok, external, warned, failed, unknown);
  }

  public record Counts(
      int digests, int intact, int external, int warnings, int failed, int unchecked) {}
}
