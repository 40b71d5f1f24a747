/**
 * The walker's only view of the world: a {@link dev.registryintegrity.source.ContentSource} answers
 * what it holds as data ({@link dev.registryintegrity.source.Lookup}), never by throwing.
 * Registries, OCI layouts and registry storage all implement it, so one walker and one report serve
 * verify, fsck and layouts.
 */
package dev.registryintegrity.source;
