package dev.registryintegrity.model;

/** An OCI platform: os/architecture[/variant]. */
public record Platform(String os, String architecture, String variant) {
  public Platform {
    os = os == null ? "" : os;
    architecture = architecture == null ? "" : architecture;
    variant = variant == null ? "" : variant;
  }

  /** Parses {@code linux/amd64} or {@code linux/arm64/v8}. */
  public static Platform parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new InvalidValueException(
          "platform '"
              + text
              + "' is malformed: expected os/architecture[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  /** buildx marks attestation manifests with this platform so clients skip them. */
  public boolean isUnknown() {
    return os.equals("unknown") && architecture.equals("unknown");
  }

  /**
   * Whether this platform satisfies a wanted one; a wanted platform without a variant matches any
   * variant, as docker's platform matcher does for {@code --platform linux/arm64}.
   */
  public boolean satisfies(Platform wanted) {
    return os.equals(wanted.os)
        && architecture.equals(wanted.architecture)
        && (wanted.variant.isEmpty() || variant.equals(wanted.variant));
  }

  @Override
  public String toString() {
    return variant.isEmpty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
