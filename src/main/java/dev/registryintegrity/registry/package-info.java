/**
 * A registry over the distribution HTTP API as a {@link
 * dev.registryintegrity.source.ContentSource}: the transport (authentication challenges, retries,
 * redirects, the deadline, bounded bodies), credentials from every source Docker knows, TLS and
 * proxies.
 */
package dev.registryintegrity.registry;
