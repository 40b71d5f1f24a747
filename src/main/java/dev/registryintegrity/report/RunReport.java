package dev.registryintegrity.report;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.source.BlobCheck;
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
 */
public record RunReport(
    String command,
    Instant startedAt,
    Duration duration,
    List<ImageResult> images,
    long requests,
    List<String> warnings,
    List<String> notes,
    BlobCheck check) {

  public RunReport {
    images = List.copyOf(images);
    warnings = List.copyOf(warnings);
    notes = List.copyOf(notes);
  }

  public ExitCode exitCode() {
    List<Verdict> all = new ArrayList<>();
    images.forEach(i -> all.addAll(i.verdicts()));
    return Verdict.exitCode(all);
  }

  /** Counts of unique digests per verdict, over all images (a digest shared by tags counts once per image). */
  public Counts counts() {
    int ok = 0;
    int failed = 0;
    int unknown = 0;
    for (ImageResult image : images) {
      List<Node> nodes = new ArrayList<>();
      Graphs.forEachUnique(image.root(), (node, path) -> nodes.add(node));
      for (Node node : nodes) {
        switch (node.finding().verdict()) {
          case OK -> ok++;
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
    return new Counts(ok + failed + unknown, ok, failed, unknown);
  }

  public record Counts(int digests, int intact, int failed, int unchecked) {}
}
