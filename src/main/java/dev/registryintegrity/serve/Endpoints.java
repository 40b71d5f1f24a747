package dev.registryintegrity.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.CannotCheckException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** What the probe's server mode and the push receiver share about serving HTTP. */
public final class Endpoints {
  private Endpoints() {}

  /**
   * Binds an HTTP server, naming the option and the fix when the address is taken or not local (the
   * JDK's own message is a bare "Address already in use").
   */
  public static HttpServer listen(String option, InetSocketAddress address) throws IOException {
    limitRequestTime();
    try {
      return HttpServer.create(address, 64);
    } catch (BindException e) {
      throw new CannotCheckException(
          option
              + " "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": cannot listen there ("
              + e.getMessage()
              + "): stop what uses the port or pick another");
    }
  }

  /** Longest a client may take to send a request's headers and body, in seconds. */
  static final long REQUEST_SECONDS = 10;

  /**
   * The JDK's server waits for ever on a client that sends its headers or body a byte at a time
   * unless {@code sun.net.httpserver.maxReqTime} says otherwise; it is read once per JVM, when the
   * first server is made, so it is set here (the process's edge), unless the operator set it.
   */
  private static void limitRequestTime() {
    System.getProperties()
        .putIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS));
    System.getProperties()
        .putIfAbsent("sun.net.httpserver.maxRspTime", String.valueOf(6 * REQUEST_SECONDS));
  }

  /**
   * Serves {@code path} exactly (the JDK matches contexts by prefix: {@code /metricsX} and {@code
   * /events/x} would reach the handler) for {@code methods} only: 404 and 405 otherwise.
   */
  public static void route(
      HttpServer server, String path, java.util.Set<String> methods, HttpHandler handler) {
    server.createContext(
        path,
        e -> {
          try (e) {
            if (!e.getRequestURI().getRawPath().equals(path)) {
              send(e, 404, "text/plain", "not found\n");
            } else if (!methods.contains(e.getRequestMethod())) {
              e.getResponseHeaders()
                  .set("Allow", String.join(", ", new java.util.TreeSet<>(methods)));
              send(
                  e,
                  405,
                  "text/plain",
                  "method not allowed: use "
                      + String.join(" or ", new java.util.TreeSet<>(methods))
                      + "\n");
            } else {
              handler.handle(e);
            }
          }
        });
  }

  /** GET and HEAD: what /metrics and /healthz answer. */
  public static final java.util.Set<String> READ = java.util.Set.of("GET", "HEAD");

  /** Answers with a whole body and closes the exchange. */
  public static void send(HttpExchange e, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", type);
    if (e.getRequestMethod().equals("HEAD")) {
      e.sendResponseHeaders(status, -1);
    } else {
      e.sendResponseHeaders(status, bytes.length);
      e.getResponseBody().write(bytes);
    }
    e.close();
  }
}
