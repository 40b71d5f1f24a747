package dev.registryintegrity.model;

import java.util.List;
import java.util.Optional;

/** A parsed manifest: what the walker needs to know to find the children of a node. */
public sealed interface Manifest {
  String mediaType();

  /** The manifest this one refers to (OCI 1.1 referrers), when present. */
  Optional<Descriptor> subject();

  /** OCI index or Docker manifest list. */
  record Index(
      String mediaType,
      List<Descriptor> manifests,
      Optional<Descriptor> subject,
      Optional<String> artifactType)
      implements Manifest {
    public Index {
      manifests = List.copyOf(manifests);
    }
  }

  /** OCI image manifest, Docker schema2 manifest, or an artifact manifest of either shape. */
  record Image(
      String mediaType,
      Optional<Descriptor> config,
      List<Descriptor> layers,
      Optional<Descriptor> subject,
      Optional<String> artifactType)
      implements Manifest {
    public Image {
      layers = List.copyOf(layers);
    }

    /** An artifact (SBOM, signature, Helm chart, ...) rather than a runnable image. */
    public boolean isArtifact() {
      return artifactType.isPresent()
          || config
              .map(
                  c ->
                      !MediaTypes.OCI_CONFIG.equals(c.mediaType())
                          && !MediaTypes.DOCKER_CONFIG.equals(c.mediaType()))
              .orElse(true);
    }
  }

  /** Docker schema1: no longer pullable by current clients, reported instead of walked. */
  record Schema1(String mediaType) implements Manifest {
    @Override
    public Optional<Descriptor> subject() {
      return Optional.empty();
    }
  }

  /** A manifest of a media type we do not know and whose shape has no references we can see. */
  record Opaque(String mediaType) implements Manifest {
    @Override
    public Optional<Descriptor> subject() {
      return Optional.empty();
    }
  }
}
