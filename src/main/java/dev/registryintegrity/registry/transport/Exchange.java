package dev.registryintegrity.registry.transport;

import java.io.IOException;

/**
 * One layer of the transport: sends a request and returns its answer, doing one thing on the way
 * (retrying, authenticating, following redirects, pacing, guarding) and leaving the rest to the
 * layer it wraps. {@link RegistryTransport} composes them.
 */
@FunctionalInterface
interface Exchange {
  /**
   * @throws IOException the exchange failed without an answer (for the retry layer to judge)
   */
  HttpResponse send(HttpRequest request) throws IOException;

  /**
   * Whether {@code answer} is this layer's last word on the request, which sending it again cannot
   * change: authentication passes a registry's 401 without a challenge up as such.
   */
  default boolean settled(HttpResponse answer) {
    return false;
  }
}
