/**
 * The model: values parsed and validated once (Digest, Descriptor, Platform, ByteSize, durations,
 * the run deadline), manifests and their media types, and cosign's tag scheme. Depends on nothing
 * but the root package; everything else passes these values around.
 */
package dev.registryintegrity.model;
