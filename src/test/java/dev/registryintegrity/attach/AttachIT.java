package dev.registryintegrity.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.Blob;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.RegistryFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * attach against a real registry without the referrers API (distribution 2.8 and 3.1.1): the
 * fallback tag it keeps is read back over HTTP, and verify --require-artifact-type finds what it
 * attached.
 */
class AttachIT {
  private static final String CYCLONEDX = "application/vnd.cyclonedx+json";
  private static final String SPDX = "application/spdx+json";
  private static final String USER = "publisher";
  private static final String PASSWORD = "attach-secret";

  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @RegisterExtension
  static final RegistryFixture LOCKED = RegistryFixture.withHtpasswd(USER, PASSWORD);

  @TempDir Path dir;

  private Path bom(String name) throws Exception {
    Path file = dir.resolve("bom.json");
    Files.writeString(
        file, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"name\":\"" + name + "\"}");
    return file;
  }

  /** The fallback tag's manifest as the registry serves it; null when there is none. */
  private static String fallback(RegistryFixture registry, String repo, Blob subject, String auth)
      throws Exception {
    return manifest(registry, repo, "sha256-" + subject.digest().hex(), auth);
  }

  private static String manifest(
      RegistryFixture registry, String repo, String reference, String auth) throws Exception {
    HttpRequest.Builder get =
        HttpRequest.newBuilder(
                URI.create(registry.baseUri() + "/v2/" + repo + "/manifests/" + reference))
            .header("Accept", ReferrerSeeder.OCI_INDEX + "," + ReferrerSeeder.OCI_MANIFEST);
    if (auth != null) {
      get.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
    }
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 404 ? null : r.body();
    }
  }

  private static List<String> artifactTypes(String index) {
    List<String> types = new ArrayList<>();
    JsonArray manifests =
        JsonParser.parseString(index).getAsJsonObject().getAsJsonArray("manifests");
    for (JsonElement e : manifests) {
      types.add(e.getAsJsonObject().get("artifactType").getAsString());
    }
    return types;
  }

  @Test
  void anSbomAttachedToAMultiPlatformImageIsWhatVerifyRequiresAndAttachingAgainWritesNothing()
      throws Exception {
    String repo = REGISTRY.uniqueRepo("attach");
    Blob index = REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "1.0").top("1.0");
    String image = REGISTRY.host() + "/" + repo + ":1.0";
    Path bom = bom(repo);

    Cli.Run first = Cli.run("attach", "--artifact-type", CYCLONEDX, image, bom.toString());
    assertEquals(0, first.exitCode(), first.all());
    assertTrue(first.out().contains("added to the referrers fallback tag"), first.out());
    assertTrue(first.out().contains("@" + index.digest()), first.out());
    String tagged = fallback(REGISTRY, repo, index, null);
    assertEquals(List.of(CYCLONEDX), artifactTypes(tagged));
    JsonObject entry =
        JsonParser.parseString(tagged)
            .getAsJsonObject()
            .getAsJsonArray("manifests")
            .get(0)
            .getAsJsonObject();
    assertTrue(first.out().contains("attached " + entry.get("digest").getAsString()), first.out());
    // The artifact as the OCI 1.1 image spec has it: the empty config, the file as its one
    // layer titled by its name, the image as subject.
    JsonObject artifact =
        JsonParser.parseString(manifest(REGISTRY, repo, entry.get("digest").getAsString(), null))
            .getAsJsonObject();
    assertEquals(CYCLONEDX, artifact.get("artifactType").getAsString());
    JsonObject config = artifact.getAsJsonObject("config");
    assertEquals("application/vnd.oci.empty.v1+json", config.get("mediaType").getAsString());
    assertEquals(
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        config.get("digest").getAsString());
    assertEquals(2, config.get("size").getAsInt());
    JsonObject layer = artifact.getAsJsonArray("layers").get(0).getAsJsonObject();
    assertEquals(CYCLONEDX, layer.get("mediaType").getAsString());
    assertEquals(Files.size(bom), layer.get("size").getAsLong());
    assertEquals(
        "bom.json",
        layer.getAsJsonObject("annotations").get("org.opencontainers.image.title").getAsString());
    JsonObject subject = artifact.getAsJsonObject("subject");
    assertEquals(index.digest().toString(), subject.get("digest").getAsString());
    assertEquals(index.size(), subject.get("size").getAsLong());
    assertEquals(ReferrerSeeder.OCI_INDEX, subject.get("mediaType").getAsString());

    Cli.Run required =
        Cli.run("verify", "--blob-check", "content", "--require-artifact-type", CYCLONEDX, image);
    assertEquals(0, required.exitCode(), required.all());
    Cli.Run other = Cli.run("verify", "--require-artifact-type", SPDX, image);
    assertEquals(1, other.exitCode(), other.all());

    Cli.Run again = Cli.run("attach", "--artifact-type", CYCLONEDX, image, bom.toString());
    assertEquals(0, again.exitCode(), again.all());
    assertTrue(again.out().contains("already in the referrers fallback tag"), again.out());
    assertEquals(tagged, fallback(REGISTRY, repo, index, null));
  }

  @Test
  void anAttachmentJoinsTheReferrersAnotherToolRecordedInTheFallbackTag() throws Exception {
    String repo = REGISTRY.uniqueRepo("joined");
    Blob index = REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "1.0").top("1.0");
    new ReferrerSeeder(REGISTRY.seeder())
        .attach(repo, index, SPDX, SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}");
    String image = REGISTRY.host() + "/" + repo + "@" + index.digest();

    Cli.Run run =
        Cli.run(
            "attach",
            "--artifact-type",
            CYCLONEDX,
            "--annotation",
            "org.opencontainers.image.created=2026-12-07T00:00:00Z",
            image,
            bom(repo).toString());
    assertEquals(0, run.exitCode(), run.all());
    String tagged = fallback(REGISTRY, repo, index, null);
    assertEquals(List.of(SPDX, CYCLONEDX), artifactTypes(tagged));
    // The entry carries the artifact's annotations, as the spec asks of a fallback index.
    JsonObject entry =
        JsonParser.parseString(tagged)
            .getAsJsonObject()
            .getAsJsonArray("manifests")
            .get(1)
            .getAsJsonObject();
    assertEquals(
        "2026-12-07T00:00:00Z",
        entry.getAsJsonObject("annotations").get("org.opencontainers.image.created").getAsString());
    Cli.Run both = Cli.run("verify", "--require-artifact-type", SPDX + "," + CYCLONEDX, image);
    assertEquals(0, both.exitCode(), both.all());
  }

  @Test
  void aFallbackTagHoldingSomethingElseIsLeftAsItIsAndNamed() throws Exception {
    String repo = REGISTRY.uniqueRepo("occupied");
    Blob index = REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "1.0").top("1.0");
    String occupant = "sha256-" + index.digest().hex();
    REGISTRY.seeder().pushImage(repo, ImageSpec.singlePlatform(), occupant);
    String before = fallback(REGISTRY, repo, index, null);

    Cli.Run run =
        Cli.run(
            "attach",
            "--artifact-type",
            CYCLONEDX,
            REGISTRY.host() + "/" + repo + ":1.0",
            bom(repo).toString());
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(run.err().contains(repo + ":" + occupant), run.err());
    assertTrue(run.err().contains("left as it is"), run.err());
    assertEquals(before, fallback(REGISTRY, repo, index, null));
  }

  @Test
  void aPushCredentialIsUsedAndAMissingOneIsExit3() throws Exception {
    String repo = LOCKED.uniqueRepo("locked");
    Blob index =
        LOCKED.seeder(USER, PASSWORD).pushImage(repo, ImageSpec.singlePlatform(), "1.0").top("1.0");
    String image = LOCKED.host() + "/" + repo + ":1.0";
    String file = bom(repo).toString();

    Cli.Run anonymous = Cli.run("attach", "--artifact-type", CYCLONEDX, image, file);
    assertEquals(3, anonymous.exitCode(), anonymous.all());
    Cli.Run run =
        Cli.run(
            java.util.Map.of(),
            PASSWORD,
            "attach",
            "-u",
            USER,
            "--password-stdin",
            "--artifact-type",
            CYCLONEDX,
            image,
            file);
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        List.of(CYCLONEDX), artifactTypes(fallback(LOCKED, repo, index, USER + ":" + PASSWORD)));
    assertTrue(!run.all().contains(PASSWORD), "the password is never printed");
  }

  @Test
  void badInputIsOneLineWithExit2AndAMissingImageExit3() throws Exception {
    String image = REGISTRY.host() + "/" + REGISTRY.uniqueRepo("nothing") + ":1.0";
    String file = bom("x").toString();
    Cli.Run noType = Cli.run("attach", image, file);
    assertEquals(2, noType.exitCode(), noType.all());
    assertTrue(noType.err().contains("--artifact-type"), noType.err());
    Cli.Run badType = Cli.run("attach", "--artifact-type", "cyclonedx", image, file);
    assertEquals(2, badType.exitCode(), badType.all());
    Cli.Run noFile =
        Cli.run("attach", "--artifact-type", CYCLONEDX, image, dir.resolve("none.json").toString());
    assertEquals(2, noFile.exitCode(), noFile.all());
    assertTrue(noFile.err().contains("none.json"), noFile.err());
    Cli.Run badAnnotation =
        Cli.run("attach", "--artifact-type", CYCLONEDX, "--annotation", "novalue", image, file);
    assertEquals(2, badAnnotation.exitCode(), badAnnotation.all());
    Cli.Run missing = Cli.run("attach", "--artifact-type", CYCLONEDX, image, file);
    assertEquals(3, missing.exitCode(), missing.all());
    assertTrue(missing.err().contains("404"), missing.err());
    for (Cli.Run r : List.of(noType, badType, noFile, badAnnotation, missing)) {
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }
}
