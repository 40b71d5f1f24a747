package dev.registryintegrity.report;

import dev.registryintegrity.model.Kind;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import dev.registryintegrity.walk.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One thing that is not intact, with the path that reaches it from the tag and what to do.
 *
 * @param node the digest's node, or empty for an image-level finding (moved tag, missing platform)
 */
public record Failure(
    String image, Optional<Node> node, Finding finding, List<Node> path, Origin source) {

  public Failure {
    path = List.copyOf(path);
  }

  /** Every failed or unchecked digest of every image, in report order. */
  public static List<Failure> of(List<ImageResult> images) {
    return having(images, v -> v == Verdict.FAIL || v == Verdict.UNKNOWN);
  }

  /** Every digest that pulls but deserves attention (an orphaned referrer), in report order. */
  public static List<Failure> warnings(List<ImageResult> images) {
    return having(images, v -> v == Verdict.WARN);
  }

  private static List<Failure> having(
      List<ImageResult> images, java.util.function.Predicate<Verdict> wanted) {
    List<Failure> found = new ArrayList<>();
    for (ImageResult image : images) {
      for (Finding finding : image.imageFindings()) {
        if (wanted.test(finding.verdict())) {
          found.add(
              new Failure(image.reference(), Optional.empty(), finding, List.of(), image.source()));
        }
      }
      Graphs.forEachUnique(
          image.root(),
          (node, path) -> {
            if (wanted.test(node.finding().verdict())) {
              found.add(
                  new Failure(
                      image.reference(), Optional.of(node), node.finding(), path, image.source()));
            }
          });
    }
    return found;
  }

  /** An OCI layout on disk has no registry, storage links or cache: its fix is a new copy. */
  private String layoutHint(Kind kind) {
    return switch (finding) {
      case Finding.Missing m when kind == Kind.TAG ->
          "index.json names no such tag: check the tag, or list index.json's ref names";
      case Finding.Missing m ->
          "the layout lacks this "
              + kind.label()
              + ": copy the image into it again from a complete"
              + " source (skopeo copy --all docker://IMAGE oci:DIR:TAG)";
      case Finding.Unreachable u ->
          "this says nothing about the image: make the layout's files readable and re-run";
      case Finding.Intact i -> "";
      case Finding.External e -> "";
      case Finding.OrphanedReferrer o -> ORPHAN_HINT;
      default ->
          "the layout's copy of this "
              + kind.label()
              + " is damaged: copy the image into it again from a complete"
              + " source (skopeo copy --all docker://IMAGE oci:DIR:TAG)";
    };
  }

  /** What the user should do next; specific to the kind of thing and the kind of finding. */
  public String hint() {
    Kind kind = node.map(Node::kind).orElse(Kind.TAG);
    if (source.medium() == Origin.Medium.OCI_LAYOUT) {
      return layoutHint(kind);
    }
    return switch (finding) {
      case Finding.Missing m when kind == Kind.TAG && node.flatMap(Node::digest).isPresent() ->
          "the tag points to a manifest that is no longer served: re-push the tag, or, if its bytes survive,"
              + " restore its link with registry-integrity fsck --repair on the registry storage";
      case Finding.Missing m when kind == Kind.TAG ->
          "the tag does not exist: check the name, or push it";
      case Finding.Missing m
          when kind == Kind.MANIFEST || kind == Kind.INDEX || kind == Kind.ATTESTATION ->
          "the index lists a manifest that is no longer served: rebuild and re-push the tag,"
              + " or, if its bytes survive, restore its link with registry-integrity fsck --repair on the registry storage";
      case Finding.Missing m
          when kind.isReferrer()
              || (kind == Kind.ATTESTATION && node.flatMap(Node::artifactType).isPresent()) ->
          "a "
              + kind.label()
              + " of the image is listed but no longer served: sign or attest the image again"
              + " (retention and garbage collection delete untagged referrers first)";
      case Finding.Missing m when kind == Kind.SUBJECT ->
          "this referrer points at a manifest that is gone: re-push the subject image or delete the referrer";
      case Finding.Missing m ->
          "a "
              + kind.label()
              + " blob is gone from this repository: rebuild and re-push the image"
              + " (a blob that survives in another repository can be mounted back)";
      case Finding.DataMissing d ->
          "the registry lists this blob but cannot serve its bytes: its storage lost the data."
              + " Restarting the registry clears a stale descriptor cache; then re-push the image"
              + " (or restore the data from a backup)";
      case Finding.SizeDiffers s ->
          "stored content is truncated or another object: re-push the image and check the registry's storage";
      case Finding.DigestDiffers d ->
          "the registry serves bytes that do not match their digest: re-push the image and check the storage for corruption";
      case Finding.TagMoved t ->
          "another push overwrote the tag after this one: check for concurrent pipelines pushing the same tag";
      case Finding.ReferrerMissing r ->
          "nothing of that type is attached, or it is broken (see above): sign or attest the image again"
              + " (e.g. cosign sign / cosign attest) after it is pushed";
      case Finding.PlatformMissing p ->
          "the push did not include this platform: check the build's platforms setting";
      case Finding.Malformed m -> "the manifest is corrupt: re-push the image";
      case Finding.Unsupported u ->
          "re-push the image with a current client (docker buildx, podman, crane)";
      case Finding.LimitExceeded l ->
          "the graph breaks a safety limit: inspect the manifest by hand";
      case Finding.Unreachable u ->
          "this says nothing about the image: fix access to the registry (network, credentials, TLS) and re-run";
      case Finding.Intact i -> "";
      case Finding.External e -> "";
      case Finding.OrphanedReferrer o -> ORPHAN_HINT;
    };
  }

  private static final String ORPHAN_HINT =
      "the image this signature, SBOM or attestation describes was deleted: delete the referrer too (its tag"
          + " sha256-<hex>.sig/.att/.sbom or fallback tag sha256-<hex>), or re-push the image; have retention delete"
          + " an image's referrers with it (registry-integrity refs --referrers lists them). Strict mode fails on this";
}
