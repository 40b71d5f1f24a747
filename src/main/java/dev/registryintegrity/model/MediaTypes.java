package dev.registryintegrity.model;

import java.util.List;

/** The manifest media types we understand, and how to tell their roles apart. */
public final class MediaTypes {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_SCHEMA1 =
      "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

  /**
   * Everything a GET of a manifest accepts. Distribution answers 404 for an OCI index when the OCI
   * type is absent from Accept, so all four current types are always sent.
   */
  public static final List<String> MANIFEST_ACCEPT =
      List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  /** Windows base layers: the registry holds the descriptor, Microsoft's servers the bytes. */
  public static final String DOCKER_FOREIGN_LAYER =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** The OCI spec's non-distributable layers (deprecated in image-spec 1.1, still in the field). */
  public static final String OCI_NONDISTRIBUTABLE_PREFIX =
      "application/vnd.oci.image.layer.nondistributable.";

  /** The annotation buildx puts on attestation manifests inside an index. */
  public static final String REFERENCE_TYPE_ANNOTATION = "vnd.docker.reference.type";

  public static final String ATTESTATION_MANIFEST = "attestation-manifest";

  /** The annotation buildx puts on an attestation manifest: the digest of the image it attests. */
  public static final String ATTESTED_DIGEST_ANNOTATION = "vnd.docker.reference.digest";

  /** The OCI layout annotation that names a tag in index.json. */
  public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

  private MediaTypes() {}

  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  public static boolean isImageManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  public static boolean isSchema1(String mediaType) {
    return DOCKER_SCHEMA1.equals(mediaType) || DOCKER_SCHEMA1_SIGNED.equals(mediaType);
  }

  /** Layer types whose bytes registries are not expected to hold. */
  public static boolean isNonDistributable(String mediaType) {
    return DOCKER_FOREIGN_LAYER.equals(mediaType)
        || mediaType.startsWith(OCI_NONDISTRIBUTABLE_PREFIX);
  }

  public static boolean isManifest(String mediaType) {
    return isIndex(mediaType) || isImageManifest(mediaType) || isSchema1(mediaType);
  }
}
