package dev.registryintegrity.model;

import java.util.Map;
import java.util.Optional;

/**
 * A reference to content: media type, digest and size, with the optional platform and
 * annotations an index entry carries (OCI image spec, "Content Descriptors").
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Optional<Platform> platform,
    Map<String, String> annotations,
    Optional<String> artifactType) {

  public Descriptor {
    mediaType = mediaType == null ? "" : mediaType;
    annotations = Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Optional.empty(), Map.of(), Optional.empty());
  }

  /** buildx attestation manifests: annotated, and given the platform unknown/unknown. */
  public boolean isAttestation() {
    return MediaTypes.ATTESTATION_MANIFEST.equals(
            annotations.get(MediaTypes.REFERENCE_TYPE_ANNOTATION))
        || platform.map(Platform::isUnknown).orElse(false);
  }
}
