package dev.registryintegrity.source;

/**
 * Where an image was read, as the report names it: what kind of place, and which one. The kind
 * decides what a report advises (copy an OCI layout again; re-push to a registry, repair its
 * storage).
 *
 * @param description "registry 127.0.0.1:5000 (http://127.0.0.1:5000)", "OCI layout DIR"
 */
public record Origin(Origin.Medium medium, String description) {
  public enum Medium {
    REGISTRY,
    OCI_LAYOUT,
    STORAGE
  }

  @Override
  public String toString() {
    return description;
  }
}
