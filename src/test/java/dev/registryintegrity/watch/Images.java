package dev.registryintegrity.watch;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What the registry walk returns for a tag, built by hand for the receiver's tests. */
final class Images {
  static final Finding INTACT = new Finding.Intact(List.of(), Proof.SERVED);
  static final Finding MISSING = new Finding.Missing("BLOB_UNKNOWN", "blob unknown to registry");
  static final Finding UNREACHABLE = new Finding.Unreachable("connection refused");

  private Images() {}

  private static final Origin REGISTRY = new Origin(Origin.Medium.REGISTRY, "registry reg");

  static Digest digest(String seed) {
    return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
  }

  /** The manifest {@code reference} names: its digest is made from the reference. */
  static Digest manifestOf(String reference) {
    return digest(reference);
  }

  /** A tag's intact manifest with one layer, the layer found as {@code layerFinding} says. */
  static ImageResult image(String reference, Digest layer, Finding layerFinding) {
    Node layerNode =
        Node.of(Kind.LAYER, Descriptor.of("", layer, 100))
            .status("206")
            .finding(layerFinding)
            .build();
    Node manifest =
        Node.of(
                Kind.MANIFEST,
                Descriptor.of(
                    "application/vnd.oci.image.manifest.v1+json", manifestOf(reference), 500))
            .status("200")
            .finding(INTACT)
            .children(List.of(layerNode))
            .build();
    return new ImageResult(reference, REGISTRY, manifest, List.of());
  }

  /** A tag the registry does not resolve: manifest unknown. */
  static ImageResult unresolved(String reference) {
    Node tag =
        Node.tag()
            .status("404 MANIFEST_UNKNOWN")
            .finding(new Finding.Missing("MANIFEST_UNKNOWN", "manifest unknown"))
            .build();
    return new ImageResult(reference, REGISTRY, tag, List.of());
  }

  static RunReport report(List<ImageResult> images) {
    return new RunReport(
        "watch",
        Instant.EPOCH,
        Duration.ZERO,
        images,
        1,
        List.of(),
        List.of(),
        BlobCheck.READ,
        0,
        RunReport.LeftOut.NONE);
  }
}
