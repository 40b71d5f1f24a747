package dev.registryintegrity.transport;

import static dev.registryintegrity.fixture.HostileRegistry.headers;
import static dev.registryintegrity.fixture.HostileRegistry.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.HostileRegistry;
import dev.registryintegrity.model.Digest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OCI 1.1 referrers API ({@code GET /v2/<name>/referrers/<digest>}), served by a registry of
 * our own since distribution 2.8 has none: two pages joined by a Link header, and a referrer the
 * API lists whose manifest is gone.
 */
class ReferrersApiIT {
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String SPDX = "application/spdx+json";
  private static final String NOTATION = "application/vnd.cncf.notary.signature";

  private HostileRegistry registry;
  private Digest image;
  private Digest sbom;
  private Digest signature;

  @BeforeEach
  void start() throws Exception {
    registry = new HostileRegistry();
    image = registry.manifest("app", MANIFEST, manifest(null, null, "image-layer"), "v1");
    sbom =
        registry.manifest("app", MANIFEST, manifest(SPDX, image, "{\"spdxVersion\":\"SPDX-2.3\"}"));
    signature = registry.manifest("app", MANIFEST, manifest(NOTATION, image, "signature-bytes"));
    registry.on(
        "/v2/app/referrers/" + image,
        (request, out) -> {
          boolean second = request.path().contains("page=2");
          Map<String, String> h =
              second
                  ? headers("Content-Type", INDEX)
                  : headers(
                      "Content-Type",
                      INDEX,
                      "Link",
                      "</v2/app/referrers/" + image + "?page=2>; rel=\"next\"");
          write(
              out, request, 200, h, index(second ? entry(signature, NOTATION) : entry(sbom, SPDX)));
        });
    for (Digest referrer : new Digest[] {sbom, signature}) {
      registry.on(
          "/v2/app/referrers/" + referrer,
          (request, out) -> write(out, request, 200, headers("Content-Type", INDEX), index("")));
    }
  }

  @AfterEach
  void stop() throws Exception {
    registry.close();
  }

  private final Map<Digest, Integer> sizes = new HashMap<>();

  private String manifest(String artifactType, Digest subject, String payload) {
    Digest config = registry.blob("app", "{}".getBytes(StandardCharsets.UTF_8));
    Digest layer = registry.blob("app", payload.getBytes(StandardCharsets.UTF_8));
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MANIFEST
            + "\""
            + (artifactType == null ? "" : ",\"artifactType\":\"" + artifactType + "\"")
            + ",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + config
            + "\",\"size\":2}"
            + ",\"layers\":[{\"mediaType\":\"application/octet-stream\",\"digest\":\""
            + layer
            + "\",\"size\":"
            + payload.length()
            + "}]"
            + (subject == null
                ? ""
                : ",\"subject\":{\"mediaType\":\""
                    + MANIFEST
                    + "\",\"digest\":\""
                    + subject
                    + "\",\"size\":"
                    + sizes.get(subject)
                    + "}")
            + "}";
    sizes.put(Digest.sha256Of(json.getBytes(StandardCharsets.UTF_8)), json.length());
    return json;
  }

  private String entry(Digest digest, String artifactType) {
    return "{\"mediaType\":\""
        + MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + sizes.get(digest)
        + ",\"artifactType\":\""
        + artifactType
        + "\"}";
  }

  private static byte[] index(String entries) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + entries + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> kinds(Cli.Run run) {
    Map<String, String> kinds = new HashMap<>();
    for (JsonElement n :
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonArray("nodes")) {
      JsonObject o = n.getAsJsonObject();
      kinds.put(
          o.get("digest").getAsString(),
          o.get("kind").getAsString() + ":" + o.get("finding").getAsString());
    }
    return kinds;
  }

  @Test
  void referrersFromEveryPageOfTheApiAreWalked() {
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", registry.host() + "/app:v1");
    assertEquals(0, run.exitCode(), run.all());
    Map<String, String> kinds = kinds(run);
    assertEquals("sbom:intact", kinds.get(sbom.toString()));
    assertEquals("signature:intact", kinds.get(signature.toString()));
    long pages =
        registry.seen().stream()
            .filter(r -> r.path().startsWith("/v2/app/referrers/" + image))
            .count();
    assertEquals(2, pages, "both pages of the image's referrers, once each");
    assertEquals(
        0,
        Cli.run("verify", "--require-artifact-type", NOTATION, registry.host() + "/app:v1")
            .exitCode());
  }

  @Test
  void aReferrerTheApiListsButNoLongerServesIsAFailure() {
    registry.on(
        "/v2/app/manifests/" + signature,
        (request, out) ->
            write(
                out,
                request,
                404,
                headers("Content-Type", "application/json"),
                HostileRegistry.error("MANIFEST_UNKNOWN", "manifest unknown")));
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", registry.host() + "/app:v1");
    assertEquals(1, run.exitCode(), run.all());
    assertEquals("signature:missing", kinds(run).get(signature.toString()));
    Cli.Run required =
        Cli.run("verify", "--require-artifact-type", NOTATION, registry.host() + "/app:v1");
    assertTrue(required.out().contains("REFERRER-MISSING"), required.out());
  }
}
