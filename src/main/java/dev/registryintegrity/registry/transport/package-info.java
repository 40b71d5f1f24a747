/**
 * HTTP to a registry, and nothing else, as layers behind one {@code Exchange} interface, each
 * knowing one thing: retries of transient failures (waiting what Retry-After says, by the injected
 * clock), authentication challenges (Basic, Bearer token flow) answered from the credentials,
 * redirects followed without carrying credentials to another host, the request rate, and the
 * exchange under a deadline with bounded bodies, over a wire that can be swapped. Code above asks
 * for a path and never sees a token.
 */
package dev.registryintegrity.registry.transport;
