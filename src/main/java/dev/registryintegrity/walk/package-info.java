/**
 * The graph walk: index to child manifests to configs and layers, nested indexes, subjects and
 * referrers, with concurrency, de-duplication, a cycle guard and safety limits; each source answer
 * judged into a {@link dev.registryintegrity.walk.Finding}. Knows nothing about HTTP.
 */
package dev.registryintegrity.walk;
