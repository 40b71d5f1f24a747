package dev.registryintegrity.registry.transport;

import java.io.IOException;

/**
 * The bottom of the transport: one message on the wire and its answer read whole, to the request's
 * limits. Nothing below the guard retries, authenticates or follows a redirect, so another HTTP
 * client (HttpClient 5's async API, for HTTP/2) fits here without touching the layers above.
 */
@FunctionalInterface
interface Wire {
  /**
   * @param message one hop: its method, address and headers as they are to be sent
   * @param abort ends the exchange from another thread (the guard's watchdog) when it fires
   */
  HttpResponse exchange(HttpRequest message, Abort abort) throws IOException;

  /** Sets the headers every request carries, then the request's own. */
  static void setHeaders(HttpRequest message, java.util.function.BiConsumer<String, String> set) {
    // Digests are over the bytes as stored; ask for them as they are.
    set.accept("Accept-Encoding", "identity");
    set.accept("User-Agent", "registry-integrity");
    message.headers().forEach(set);
  }
}
