package dev.registryintegrity.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A reference to content: media type, digest and size, with the optional platform and annotations
 * an index entry carries (OCI image spec, "Content Descriptors").
 *
 * @param urls where the content may be fetched besides the registry (OCI "urls"): Windows base
 *     layers and other non-distributable content name them, and registries need not hold it
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Optional<Platform> platform,
    Map<String, String> annotations,
    Optional<String> artifactType,
    List<String> urls) {

  public Descriptor {
    mediaType = mediaType == null ? "" : mediaType;
    annotations = Map.copyOf(annotations);
    urls = List.copyOf(urls);
  }

  public Descriptor(
      String mediaType,
      Digest digest,
      long size,
      Optional<Platform> platform,
      Map<String, String> annotations,
      Optional<String> artifactType) {
    this(mediaType, digest, size, platform, annotations, artifactType, List.of());
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, Optional.empty(), Map.of(), Optional.empty());
  }

  /**
   * Content a registry may lawfully not hold: a descriptor with {@code urls}, or a foreign or
   * non-distributable layer type. containers/image and regclient copy such an image without it;
   * docker fetches it from its URLs.
   */
  public boolean isExternal() {
    return !urls.isEmpty() || MediaTypes.isNonDistributable(mediaType);
  }

  /** buildx attestation manifests: annotated, and given the platform unknown/unknown. */
  public boolean isAttestation() {
    return MediaTypes.ATTESTATION_MANIFEST.equals(
            annotations.get(MediaTypes.REFERENCE_TYPE_ANNOTATION))
        || platform.map(Platform::isUnknown).orElse(false);
  }
}
