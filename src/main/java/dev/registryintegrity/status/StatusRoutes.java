package dev.registryintegrity.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.serve.Endpoints;
import java.util.function.Supplier;

/** {@code /}, {@code /status.json} and {@code /status.css} on a probe server or a receiver. */
public final class StatusRoutes {
  private StatusRoutes() {}

  /**
   * @param status the state now, built per request (cheap: it is what the server holds)
   */
  public static void install(HttpServer server, Supplier<Status> status, String version) {
    StatusPage page = new StatusPage(version);
    Endpoints.route(
        server,
        "/",
        Endpoints.READ,
        e -> {
          StatusQuery q = StatusQuery.of(e.getRequestURI());
          secure(e);
          Endpoints.send(
              e, 200, "text/html; charset=utf-8", page.render(status.get(), q.filter(), q.page()));
        });
    Endpoints.route(
        server,
        "/status.json",
        Endpoints.READ,
        e -> {
          StatusQuery q = StatusQuery.of(e.getRequestURI());
          secure(e);
          Endpoints.send(
              e,
              200,
              "application/json; charset=utf-8",
              StatusJson.render(status.get(), q.filter(), q.page()));
        });
    Endpoints.route(
        server,
        "/status.css",
        Endpoints.READ,
        e -> {
          e.getResponseHeaders().set("Cache-Control", "max-age=3600");
          Endpoints.send(e, 200, "text/css; charset=utf-8", StatusPage.CSS);
        });
  }

  private static void secure(HttpExchange e) {
    e.getResponseHeaders().set("Content-Security-Policy", StatusPage.CONTENT_SECURITY_POLICY);
    e.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    e.getResponseHeaders().set("Cache-Control", "no-store");
  }
}
