package dev.registryintegrity.watch;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Kind;
import dev.registryintegrity.walk.Node;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the registry walk returns for a tag, built by hand for the receiver's tests. */
final class Images {
  static final Finding INTACT = new Finding.Intact(List.of(), Proof.SERVED);
  static final Finding MISSING = new Finding.Missing("BLOB_UNKNOWN", "blob unknown to registry");
  static final Finding UNREACHABLE = new Finding.Unreachable("connection refused");

  private Images() {}

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
        new Node(
            Kind.LAYER,
            Optional.of(layer),
            100,
            "",
            Optional.empty(),
            "206",
            layerFinding,
            List.of());
    Node manifest =
        new Node(
            Kind.MANIFEST,
            Optional.of(manifestOf(reference)),
            500,
            "application/vnd.oci.image.manifest.v1+json",
            Optional.empty(),
            "200",
            INTACT,
            List.of(layerNode));
    return new ImageResult(reference, "registry reg", manifest, List.of());
  }

  /** A tag the registry does not resolve: manifest unknown. */
  static ImageResult unresolved(String reference) {
    Node tag =
        new Node(
            Kind.TAG,
            Optional.empty(),
            0,
            "",
            Optional.empty(),
            "404 MANIFEST_UNKNOWN",
            new Finding.Missing("MANIFEST_UNKNOWN", "manifest unknown"),
            List.of());
    return new ImageResult(reference, "registry reg", tag, List.of());
  }

  static RunReport report(List<ImageResult> images) {
    return new RunReport(
        "watch", Instant.EPOCH, Duration.ZERO, images, 1, List.of(), List.of(), BlobCheck.READ);
  }
}
