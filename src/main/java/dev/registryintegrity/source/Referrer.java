package dev.registryintegrity.source;

import dev.registryintegrity.model.Descriptor;
import java.util.Optional;

/**
 * A manifest that names another as its subject: an OCI 1.1 referrer (from the referrers API or its
 * fallback tag index) or a cosign tag-scheme signature, attestation or SBOM.
 *
 * @param via how it was found, for the report ("referrers API", "fallback tag sha256-…", "cosign
 *     tag sha256-….sig")
 * @param role what it is when the way it was found says so ("signature", "attestation", "sbom"),
 *     empty when only its artifact type can tell
 * @param mustNameSubject found only by name (a fallback tag's index), so it counts as a referrer
 *     only if its own manifest names the subject
 */
public record Referrer(
    Descriptor descriptor, String via, Optional<String> role, boolean mustNameSubject) {
  public Referrer(Descriptor descriptor, String via, Optional<String> role) {
    this(descriptor, via, role, false);
  }
}
