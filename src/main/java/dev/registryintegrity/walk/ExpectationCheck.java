package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the caller knows the image must be, checked against what the walk found: the digest the tag
 * must resolve to, the platforms its index must hold, the referrers it must carry. Pure.
 */
final class ExpectationCheck {
  private ExpectationCheck() {}

  /**
   * @param root the walked graph
   * @param rootManifest the tag's own manifest, parsed, when it was read
   */
  static List<Finding> findings(
      Node root, Optional<Manifest> rootManifest, Expectations expectations) {
    List<Finding> findings = new ArrayList<>();
    if (root.digest().isPresent()) {
      Digest actual = root.digest().get();
      expectations
          .digest()
          .filter(expected -> !expected.equals(actual))
          .ifPresent(expected -> findings.add(new Finding.TagMoved(expected, actual)));
    }
    for (String type : expectations.artifactTypes()) {
      if (!hasIntactReferrer(root, type)) {
        findings.add(new Finding.ReferrerMissing(type));
      }
    }
    if (!expectations.platforms().isEmpty() && root.finding().verdict() == Verdict.OK) {
      List<Platform> present = platformsOf(rootManifest);
      for (Platform wanted : expectations.platforms()) {
        if (present.stream().noneMatch(p -> p.satisfies(wanted))) {
          findings.add(new Finding.PlatformMissing(wanted));
        }
      }
    }
    return findings;
  }

  /** A referrer of that type somewhere in the graph, intact with everything below it. */
  private static boolean hasIntactReferrer(Node node, String type) {
    if (node.artifactType().filter(type::equals).isPresent() && intactBelow(node)) {
      return true;
    }
    return node.children().stream().anyMatch(child -> hasIntactReferrer(child, type));
  }

  private static boolean intactBelow(Node node) {
    return node.finding().verdict() == Verdict.OK
        && node.children().stream().allMatch(ExpectationCheck::intactBelow);
  }

  /**
   * The platforms an index serves (attestations are not platforms); a single image serves none by
   * name.
   */
  private static List<Platform> platformsOf(Optional<Manifest> manifest) {
    if (manifest.orElse(null) instanceof Manifest.Index index) {
      return index.manifests().stream()
          .filter(d -> !d.isAttestation())
          .flatMap(d -> d.platform().stream())
          .toList();
    }
    return List.of();
  }
}
