package dev.registryintegrity.transport;

import static dev.registryintegrity.fixture.HostileRegistry.error;
import static dev.registryintegrity.fixture.HostileRegistry.headers;
import static dev.registryintegrity.fixture.HostileRegistry.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.HostileRegistry;
import dev.registryintegrity.fixture.RawHttpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Catalog and tag listings as registries other than distribution page them: relative Links, a Link
 * past an empty last page, page sizes refused, repositories without tags, a Link that leaves the
 * registry.
 */
class ListingsIT {
  private HostileRegistry registry;

  @BeforeEach
  void start() throws Exception {
    registry = new HostileRegistry();
    // Two repositories without tags, the two ways distribution says so.
    registry.on(
        "/v2/a/tags/list",
        (request, out) ->
            write(
                out,
                request,
                404,
                headers("Content-Type", "application/json"),
                error("NAME_UNKNOWN", "repository name not known to registry")));
    registry.on(
        "/v2/b/tags/list",
        (request, out) ->
            write(
                out,
                request,
                200,
                headers("Content-Type", "application/json"),
                json("{\"name\":\"b\",\"tags\":null}")));
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private List<RawHttpServer.Request> catalogRequests() {
    return registry.seen().stream().filter(r -> r.path().startsWith("/v2/_catalog")).toList();
  }

  private static void page(
      java.io.OutputStream out, RawHttpServer.Request request, String repos, String link)
      throws java.io.IOException {
    write(
        out,
        request,
        200,
        link == null
            ? headers("Content-Type", "application/json")
            : headers("Content-Type", "application/json", "Link", "<" + link + ">; rel=\"next\""),
        json("{\"repositories\":[" + repos + "]}"));
  }

  @Test
  void relativeLinksAreFollowedFromTheirPageAndAnEmptyLastPageEndsTheWalk() {
    registry.on(
        "/v2/_catalog",
        (request, out) -> {
          String query = request.path().substring(request.path().indexOf('?') + 1);
          switch (query) {
            case "n=1" -> page(out, request, "\"a\"", "?n=1&last=a");
            case "n=1&last=a" -> page(out, request, "\"b\"", "_catalog?n=1&last=b");
            // A page past the end that still links on: an empty page ends the walk.
            default -> page(out, request, "", "/v2/_catalog?n=1&last=z");
          }
        });
    Cli.Run run = Cli.run("probe", "--registry", registry.host(), "--page-size", "1");
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.out().contains("INTACT: 2 repositories (2 without tags), 0 tags"), run.out());
    assertEquals(
        List.of("/v2/_catalog?n=1", "/v2/_catalog?n=1&last=a", "/v2/_catalog?n=1&last=b"),
        catalogRequests().stream().map(RawHttpServer.Request::path).toList());
  }

  @Test
  void aPageSizeTheRegistryRefusesIsRetriedSmaller() {
    registry.on(
        "/v2/_catalog",
        (request, out) -> {
          if (request.path().contains("n=5000")) {
            write(
                out,
                request,
                400,
                headers("Content-Type", "application/json"),
                error("PAGINATION_NUMBER_INVALID", "invalid number of results requested"));
          } else {
            page(out, request, "\"a\",\"b\"", null);
          }
        });
    Cli.Run run = Cli.run("probe", "--registry", registry.host(), "--page-size", "5000");
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        List.of("/v2/_catalog?n=5000", "/v2/_catalog?n=1000"),
        catalogRequests().stream().map(RawHttpServer.Request::path).toList());
  }

  @Test
  void aLinkToAnotherServerIsNotFollowed() {
    registry.on(
        "/v2/_catalog",
        (request, out) -> page(out, request, "\"a\"", "http://198.51.100.7/v2/_catalog?last=a"));
    Cli.Run run = Cli.run("probe", "--registry", registry.host());
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(
        run.out().contains("linked its next page to another server (http://198.51.100.7)"),
        run.out());
    assertEquals(1, catalogRequests().size());
  }
}
