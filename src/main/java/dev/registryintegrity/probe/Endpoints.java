package dev.registryintegrity.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.report.Text;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** What the probe's server mode and the push receiver share about serving HTTP. */
public final class Endpoints {
  private Endpoints() {}

  /**
   * Binds an HTTP server, naming the option and the fix when the address is taken or not local
   * (the JDK's own message is a bare "Address already in use").
   */
  public static HttpServer listen(String option, InetSocketAddress address) throws IOException {
    try {
      return HttpServer.create(address, 64);
    } catch (BindException e) {
      throw new CannotCheckException(option + " " + Text.safe(address.getHostString()) + ":" + address.getPort()
          + ": cannot listen there (" + Text.safe(String.valueOf(e.getMessage())) + "): stop what uses the port or pick another");
    }
  }

  /** Answers with a whole body and closes the exchange. */
  public static void send(HttpExchange e, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", type);
    e.sendResponseHeaders(status, bytes.length);
    e.getResponseBody().write(bytes);
    e.close();
  }
}
