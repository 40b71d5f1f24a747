package dev.registryintegrity.walk;

import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.Manifest;
import java.util.Locale;
import java.util.Optional;

/** What a referrer is, from how it was found and what it declares: the report's kind and type. */
public final class ReferrerKinds {
  private ReferrerKinds() {}

  /** Signature, SBOM, attestation or plain referrer, from the way it was found or its type. */
  public static Kind kind(String role, String artifactType) {
    String t = (role + " " + artifactType).toLowerCase(Locale.ROOT);
    if (t.contains("signature") || t.contains("artifact.sig") || t.contains("notary")) {
      return Kind.SIGNATURE;
    }
    if (t.contains("sbom") || t.contains("spdx") || t.contains("cyclonedx")) {
      return Kind.SBOM;
    }
    if (t.contains("attestation")
        || t.contains("in-toto")
        || t.contains("dsse")
        || t.contains("provenance")
        || t.contains("artifact.att")) {
      return Kind.ATTESTATION;
    }
    return Kind.REFERRER;
  }

  /**
   * The type its referrers index gives it, else its own artifactType, else what the cosign tag it
   * was found under means, else its config's media type (OCI 1.1's rule).
   */
  static String artifactType(Descriptor descriptor, Optional<Manifest> manifest, String role) {
    return descriptor
        .artifactType()
        .or(() -> manifest.flatMap(ReferrerKinds::declaredArtifactType))
        .or(() -> CosignTags.artifactType(role))
        .or(
            () ->
                manifest.flatMap(
                    m ->
                        m instanceof Manifest.Image image
                            ? image.config().map(Descriptor::mediaType)
                            : Optional.empty()))
        .orElse("unknown");
  }

  private static Optional<String> declaredArtifactType(Manifest m) {
    return switch (m) {
      case Manifest.Index index -> index.artifactType();
      case Manifest.Image image -> image.artifactType();
      default -> Optional.empty();
    };
  }
}
