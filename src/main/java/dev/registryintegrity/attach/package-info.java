/**
 * Attaching a file to an image as an OCI 1.1 artifact (an SBOM, a provenance statement): its
 * manifest names the image as its subject, and readers find it through the registry's referrers API
 * or, where there is none, the spec's fallback tag. What {@code verify --require-artifact-type}
 * then requires.
 */
package dev.registryintegrity.attach;
