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
    // instanceof, not a pattern switch: a type switch is bootstrapped on every cold start, and
    // this is on every walk's path. Schema1 and opaque manifests reference nothing we can follow.
    List<Reference> children = new ArrayList<>();
    if (manifest instanceof Manifest.Index index) {
      for (Descriptor child : index.manifests()) {
        children.add(indexEntry(index, child));
      }
    } else if (manifest instanceof Manifest.Image image) {
      if (image.config().isPresent()) {
        children.add(new Reference(Kind.CONFIG, image.config().get(), Optional.empty()));
      }
      for (Descriptor layer : image.layers()) {
        children.add(new Reference(Kind.LAYER, layer, Optional.empty()));
      }
    }
    Optional<Reference> subject =
        manifest.subject().isPresent()
            ? Optional.of(new Reference(Kind.SUBJECT, manifest.subject().get(), Optional.empty()))
            : Optional.empty();
    return new References(children, subject);
  }

  /** What a pull of the manifest needs from the registry: its children but external layers. */
  public List<Reference> pulled() {
    List<Reference> pulled = new ArrayList<>(children.size());
    for (Reference r : children) {
      if (!r.external()) {
        pulled.add(r);
      }
    }
    return pulled;
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
    for (Descriptor d : index.manifests()) {
      if (d.digest().toString().equals(attested) && d.platform().isPresent()) {
        return d.platform();
      }
    }
    return attestation.platform();
  }
}
