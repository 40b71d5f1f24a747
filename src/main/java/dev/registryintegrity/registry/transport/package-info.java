/**
 * HTTP to a registry, and nothing else: the exchange under a deadline and with bounded bodies,
 * redirects followed without carrying credentials to another host, retries of transient failures
 * (waiting what Retry-After says, by the injected clock), and authentication challenges (Basic,
 * Bearer token flow) answered from the credentials. Code above asks for a path and never sees a
 * token.
 */
package dev.registryintegrity.registry.transport;
