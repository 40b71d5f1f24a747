package dev.registryintegrity.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a manifest references, and as what: the one rule the walk, heal, gc-check, fsck, refs and
 * retention share. An index references its entries (child manifests, nested indexes, buildx
 * attestations); an image manifest its config and layers; either may name a {@code subject} (OCI
 * 1.1), the manifest it refers to.
 *
 * @param children what the manifest lists, in its own order: what a pull of it follows
 * @param subject the manifest this one refers to, when it is a referrer
 */
public record References(List<Reference> children, Optional<Reference> subject) {

  /**
   * One referenced digest.
   *
   * @param kind its role: {@link Kind#INDEX}, {@link Kind#MANIFEST}, {@link Kind#ATTESTATION},
   *     {@link Kind#CONFIG}, {@link Kind#LAYER} or {@link Kind#SUBJECT}
   * @param descriptor as the referencing manifest describes it
   * @param platform the platform it serves, when the manifest says: an index entry's own, or for an
   *     attestation the platform of the image it attests; empty for configs and layers (they serve
   *     their manifest's)
   */
  public record Reference(Kind kind, Descriptor descriptor, Optional<Platform> platform) {
    public Digest digest() {
      return descriptor.digest();
    }

    /**
     * Content a registry may lawfully not hold (see {@link Descriptor#isExternal()}): a pull
     * fetches it from its URLs, so nothing that restores or keeps a registry's content needs it.
     */
    public boolean external() {
      return kind == Kind.LAYER && descriptor.isExternal();
    }
  }

  public References {
    children = List.copyOf(children);
  }

  public static References of(Manifest manifest) {
    List<Reference> children = new ArrayList<>();
    switch (manifest) {
      case Manifest.Index index -> {
        for (Descriptor child : index.manifests()) {
          children.add(indexEntry(index, child));
        }
      }
      case Manifest.Image image -> {
        image
            .config()
            .ifPresent(c -> children.add(new Reference(Kind.CONFIG, c, Optional.empty())));
        for (Descriptor layer : image.layers()) {
          children.add(new Reference(Kind.LAYER, layer, Optional.empty()));
        }
      }
      case Manifest.Schema1 schema1 -> {}
      case Manifest.Opaque opaque -> {}
    }
    return new References(
        children, manifest.subject().map(s -> new Reference(Kind.SUBJECT, s, Optional.empty())));
  }

  /** What a pull of the manifest needs from the registry: its children but external layers. */
  public List<Reference> pulled() {
    return children.stream().filter(r -> !r.external()).toList();
  }

  /** Everything the manifest names, its subject last: what keeps content alive in storage. */
  public List<Reference> all() {
    List<Reference> all = new ArrayList<>(children);
    subject.ifPresent(all::add);
    return all;
  }

  private static Reference indexEntry(Manifest.Index index, Descriptor child) {
    if (child.isAttestation()) {
      return new Reference(Kind.ATTESTATION, child, attestedPlatform(index, child));
    }
    Kind kind = MediaTypes.isIndex(child.mediaType()) ? Kind.INDEX : Kind.MANIFEST;
    return new Reference(kind, child, child.platform());
  }

  /** buildx names the manifest an attestation describes: its platform is the one attested. */
  private static Optional<Platform> attestedPlatform(Manifest.Index index, Descriptor attestation) {
    String attested = attestation.annotations().get(MediaTypes.ATTESTED_DIGEST_ANNOTATION);
    return index.manifests().stream()
        .filter(d -> d.digest().toString().equals(attested))
        .findFirst()
        .flatMap(Descriptor::platform)
        .or(attestation::platform);
  }
}
