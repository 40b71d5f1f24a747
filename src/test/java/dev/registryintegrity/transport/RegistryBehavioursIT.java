package dev.registryintegrity.transport;

import static dev.registryintegrity.fixture.FaultProxy.matching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FaultProxy;
import dev.registryintegrity.fixture.FieldImages;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.ReferrerSeeder.Artifact;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.MediaTypes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behaviours of registries in the field, each a named profile played by a proxy in front of a real
 * distribution registry, and the verdict each must get: registries that hide their catalog,
 * referrers APIs that are not there in five different ways, HEADs without Docker-Content-Digest or
 * that disagree with GET, Content-Types that disagree with the body, manifest GETs rate limited,
 * and a fallback tag that resolves to the image itself (GitLab).
 */
class RegistryBehavioursIT {
  private static final String SPDX = "application/spdx+json";
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static FaultProxy proxy;
  private static SeededImage signed;
  private static Artifact signature;
  private static Artifact sbom;

  @BeforeAll
  static void seed() throws Exception {
    ReferrerSeeder referrers = new ReferrerSeeder(REGISTRY.seeder());
    signed = REGISTRY.seeder().pushImage("team/app", ImageSpec.multiPlatform(), "v1");
    signature = referrers.signWithCosignTag("team/app", signed.top("v1"));
    sbom =
        referrers.attach(
            "team/app", signed.top("v1"), SPDX, SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}");
    REGISTRY.seeder().pushImage("team/single", ImageSpec.singlePlatform(), "v1");
    proxy = new FaultProxy(REGISTRY.baseUri());
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void reset() {
    proxy.reset();
  }

  private static String ref(String repoAndTag) {
    return proxy.host() + "/" + repoAndTag;
  }

  private static List<JsonObject> nodes(Cli.Run run) {
    List<JsonObject> nodes = new ArrayList<>();
    for (JsonElement n :
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonArray("nodes")) {
      nodes.add(n.getAsJsonObject());
    }
    return nodes;
  }

  private static boolean hasNode(Cli.Run run, Object digest, String kind) {
    return nodes(run).stream()
        .anyMatch(
            n ->
                digest.toString().equals(n.get("digest").getAsString())
                    && kind.equals(n.get("kind").getAsString())
                    && n.get("verdict").getAsString().equals("ok"));
  }

  private static void assertBothReferrersWalked(Cli.Run run) {
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(hasNode(run, signature.manifest().digest(), "signature"), run.out());
    assertTrue(hasNode(run, sbom.manifest().digest(), "sbom"), run.out());
  }

  @ParameterizedTest
  @ValueSource(ints = {404, 403, 401})
  void aRegistryThatHidesItsCatalogEndsTheProbeInOneLineNamingReposFileWithoutRetries(int status)
      throws Exception {
    proxy.respond(
        matching("GET", "/v2/_catalog$"),
        status,
        Map.of("Content-Type", "application/json"),
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"admins only\"}]}"
            .getBytes(StandardCharsets.UTF_8),
        100);
    Cli.Run run = Cli.run("probe", "--registry", proxy.host(), "--format", "json");
    assertEquals(3, run.exitCode(), run.all());
    assertEquals("cannot-check", run.json().get("result").getAsString());
    assertEquals(3, run.json().get("exitCode").getAsInt());
    assertTrue(
        run.json().getAsJsonArray("warnings").toString().contains("--repos-file"), run.out());
    assertEquals(
        1,
        proxy.seen().stream().filter(s -> s.path().equals("/v2/_catalog")).count(),
        "no retries");

    Cli.Run text = Cli.run("probe", "--registry", proxy.host());
    assertEquals(3, text.exitCode(), text.all());
    assertFalse(text.out().contains("INTACT"), text.out());
    assertTrue(text.out().lines().filter(l -> l.contains("--repos-file")).count() == 1, text.out());
    assertTrue(text.out().contains("COULD NOT CHECK (catalog not readable)"), text.out());

    Path repos =
        Files.writeString(Files.createTempFile("repos", ".txt"), "team/app\nteam/single\n");
    Cli.Run listed = Cli.run("probe", "--registry", proxy.host(), "--repos-file", repos.toString());
    assertEquals(0, listed.exitCode(), listed.all());
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 404, 405, 406, 501})
  void referrersApiAnswersThatMeanNoApiFallBackToTheTags(int status) {
    proxy.respond(matching("GET", "/referrers/"), status, Map.of(), new byte[0], 100);
    assertBothReferrersWalked(
        Cli.run("verify", "--referrers", "--format", "json", ref("team/app:v1")));
  }

  @Test
  void aReferrersApiThatAnswersAnythingButAnIndexIsTakenAsNoApi() {
    proxy.respond(
        matching("GET", "/referrers/"),
        200,
        Map.of("Content-Type", "text/html"),
        "<html>catch-all</html>".getBytes(StandardCharsets.UTF_8),
        100);
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", ref("team/app:v1"));
    assertBothReferrersWalked(run);
    assertTrue(
        run.json().getAsJsonArray("notes").toString().contains("taken as no referrers API"),
        run.out());
  }

  @Test
  void headAnswersWithoutDockerContentDigestStillFindTheCosignSignature() {
    proxy.dropHeader("Docker-Content-Digest");
    assertBothReferrersWalked(
        Cli.run("verify", "--referrers", "--format", "json", ref("team/app:v1")));
  }

  @Test
  void aHeadThatSaysNoWhereTheGetServesIsDecidedByTheGet() {
    String sigTag = "sha256-" + signed.top("v1").digest().hex() + ".sig";
    proxy.respond(matching("HEAD", "/manifests/sha256:"), 404, Map.of(), new byte[0], 100);
    Cli.Run run = Cli.run("verify", "--format", "json", ref("team/app:" + sigTag));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        0,
        run.json().getAsJsonObject("summary").get("warnings").getAsInt(),
        "the subject is there: " + run.out());
    assertTrue(
        nodes(run).stream()
            .anyMatch(
                n ->
                    n.get("kind").getAsString().equals("subject")
                        && n.get("detail").getAsString().contains("the GET decides")),
        run.out());
  }

  @Test
  void aContentTypeThatDisagreesWithTheBodyIsReadByTheBodysShape() {
    proxy.rewriteHeader(
        matching("GET", "/team/single/manifests/v1$"),
        "Content-Type",
        MediaTypes.DOCKER_MANIFEST_LIST);
    Cli.Run run = Cli.run("verify", "--format", "json", ref("team/single:v1"));
    assertEquals(0, run.exitCode(), run.all());
    List<JsonObject> nodes = nodes(run);
    assertEquals(4, nodes.size(), "manifest, config and two layers walked: " + run.out());
    assertTrue(
        nodes.get(0).get("detail").getAsString().contains("disagrees with the body"), run.out());
  }

  @Test
  void rateLimitedManifestGetsAreWaitedOutAsRetryAfterSays() {
    proxy.answer(matching("GET", "/manifests/"), 429, 3, "0");
    Cli.Run run = Cli.run("verify", "--format", "json", ref("team/app:v1"));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(0, run.json().getAsJsonObject("summary").get("unchecked").getAsInt(), run.out());
  }

  @Test
  void aFallbackTagThatResolvesToTheImageItselfListsNoReferrers() throws Exception {
    SeededImage image =
        REGISTRY.seeder().pushImage("team/gitlab", ImageSpec.singlePlatform(), "v1");
    String fallback = "sha256-" + image.top("v1").digest().hex();
    // The tag exists in the listing; the proxy answers it with the image itself, as GitLab does.
    new FieldImages(REGISTRY.seeder()).index("team/gitlab", fallback, List.of());
    HttpResponse<byte[]> own =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(REGISTRY.baseUri() + "/v2/team/gitlab/manifests/v1"))
                    .header("Accept", MediaTypes.OCI_MANIFEST)
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    proxy.respond(
        matching(null, "/manifests/" + fallback + "$"),
        200,
        Map.of(
            "Content-Type",
            MediaTypes.OCI_MANIFEST,
            "Docker-Content-Digest",
            image.top("v1").digest().toString()),
        own.body(),
        100);
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", ref("team/gitlab:v1"));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(4, nodes(run).size(), "the image alone, no referrer: " + run.out());
    assertTrue(
        run.json().getAsJsonArray("notes").toString().contains("resolves to the image itself"),
        run.out());
  }

  @Test
  void aSlowCheckSaysHowFarItGotInTheStepLogAndAProbeOnStderr() {
    // One answer held 4 s: past the 3 s of quiet, so one progress line, not a flood.
    proxy.stall(matching("GET", "/team/single/manifests/v1$"), java.time.Duration.ofSeconds(4));
    Cli.Run plugin =
        Cli.run(Map.of("PLUGIN_REPO", proxy.host() + "/team/single", "PLUGIN_TAGS", "v1"), "");
    assertEquals(0, plugin.exitCode(), plugin.all());
    assertTrue(
        plugin.out().lines().anyMatch(l -> l.matches("verify: \\d+ digests checked")),
        plugin.out());
    Cli.Run quiet =
        Cli.run(
            Map.of(
                "PLUGIN_REPO",
                proxy.host() + "/team/single",
                "PLUGIN_TAGS",
                "v1",
                "PLUGIN_PROGRESS",
                "false"),
            "");
    assertFalse(quiet.out().contains("digests checked"), quiet.out());

    proxy.reset();
    proxy.stall(matching("GET", "/tags/list$"), java.time.Duration.ofSeconds(4));
    Cli.Run probe = Cli.run("probe", "--registry", proxy.host(), "--include", "team/single");
    assertEquals(0, probe.exitCode(), probe.all());
    assertTrue(probe.err().contains("probe: 0 of 1 repositories listed"), probe.err());
  }
}
