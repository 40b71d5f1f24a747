package dev.registryintegrity.model;

/** The role a digest plays in an image, as printed in the report's first column. */
public enum Kind {
  /** The tag itself, when it could not be resolved to any digest. */
  TAG,
  INDEX,
  MANIFEST,
  /** A buildx attestation manifest (SBOM, provenance), labelled apart from platform images. */
  ATTESTATION,
  /** The manifest an OCI 1.1 referrer points back to. */
  SUBJECT,
  /** A manifest whose subject is the one above it, of no better-known kind. */
  REFERRER,
  /** A referrer that signs its subject (cosign, notation). */
  SIGNATURE,
  /** A referrer that lists its subject's contents (SPDX, CycloneDX). */
  SBOM,
  CONFIG,
  LAYER;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean isManifest() {
    return this == INDEX
        || this == MANIFEST
        || this == ATTESTATION
        || this == SUBJECT
        || isReferrer();
  }

  /** Kinds only a referrer walk produces (an attestation may be either). */
  public boolean isReferrer() {
    return this == REFERRER || this == SIGNATURE || this == SBOM;
  }
}
