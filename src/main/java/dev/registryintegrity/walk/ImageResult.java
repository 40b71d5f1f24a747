package dev.registryintegrity.walk;

import dev.registryintegrity.model.Kind;
import dev.registryintegrity.source.Origin;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of walking one image argument.
 *
 * @param reference the argument as normalised ("127.0.0.1:5000/infra-ci:latest")
 * @param source where it was read ("registry 127.0.0.1:5000")
 * @param root the tag's manifest (or a {@link Kind#TAG} node when the tag did not resolve)
 * @param imageFindings findings about the image as a whole: a moved tag, a missing platform
 */
public record ImageResult(String reference, Origin source, Node root, List<Finding> imageFindings) {

  public ImageResult {
    imageFindings = List.copyOf(imageFindings);
  }

  /** Every verdict in the image, the root's graph and the image-level findings. */
  public List<Verdict> verdicts() {
    List<Verdict> verdicts = new ArrayList<>();
    imageFindings.forEach(f -> verdicts.add(f.verdict()));
    Graphs.forEachUnique(root, (node, path) -> verdicts.add(node.finding().verdict()));
    return verdicts;
  }

  public Verdict verdict() {
    List<Verdict> all = verdicts();
    return switch (Verdict.exitCode(all)) {
      case INTACT -> all.contains(Verdict.WARN) ? Verdict.WARN : Verdict.OK;
      case INTEGRITY_FAILURE -> Verdict.FAIL;
      default -> Verdict.UNKNOWN;
    };
  }
}
