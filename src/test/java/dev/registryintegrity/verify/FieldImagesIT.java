package dev.registryintegrity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.BlobStore;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FieldImages;
import dev.registryintegrity.fixture.FieldImages.ExternalLayer;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.model.MediaTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Images as other tools make them, on a real distribution registry configured as Windows shops
 * configure it (descriptor URLs allowed), each judged the way {@code skopeo copy --all} judges it:
 * Windows and non-distributable layers, zero-length and repeated layers, OCI 1.1 artifacts, Helm
 * charts, signatures left behind by retention, a {@code sha256-<hex>} tag that is not a referrers
 * index, repositories without tags; and a probe of all of them that exits 0.
 */
class FieldImagesIT {
  private static final String USER = "ci";
  private static final String PASSWORD = "field-Imag3s";
  private static final String CREDS = USER + ":" + PASSWORD;
  private static final String COSIGN_SIG = "application/vnd.dev.cosign.artifact.sig.v1+json";

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.withHtpasswd(USER, PASSWORD).allowingForeignLayers();

  /**
   * Where external layers' URLs point: a plain server that refuses any Authorization (as S3 does).
   */
  private static BlobStore urls;

  private static FieldImages.Windows windows;
  private static ExternalLayer unservedLayer;
  private static SeededImage orphanedImage;
  private static SeededImage fallbackSubject;

  @BeforeAll
  static void seed() throws Exception {
    urls = new BlobStore();
    ImageSeeder seeder = REGISTRY.seeder();
    FieldImages field = new FieldImages(seeder);
    ExternalLayer foreign =
        FieldImages.externalLayer(
            MediaTypes.DOCKER_FOREIGN_LAYER, "windows base", "http://" + urls.host());
    urls.put(foreign.digest().toString(), foreign.content());
    windows = field.windows("win/app", "1", foreign);
    // A URL that serves nothing: --check-external must fail it, a plain run must not.
    unservedLayer =
        FieldImages.externalLayer(
            FieldImages.OCI_NONDISTRIBUTABLE, "gone", "http://" + urls.host());
    field.nonDistributable("win/nondist", "1", unservedLayer);
    field.zeroLengthLayer("shapes/zero", "1");
    field.duplicateLayers("shapes/dup", "1");
    field.artifactWithEmptyConfig("shapes/artifact", "1", "application/vnd.example.thing.v1");
    field.helmChart("charts/demo", "0.1.0");

    // Retention deleted the image and left its cosign signature and its OCI 1.1 SBOM behind.
    ReferrerSeeder referrers = new ReferrerSeeder(seeder);
    orphanedImage = seeder.pushImage("signed/gone", ImageSpec.singlePlatform(), "v1");
    referrers.signWithCosignTag("signed/gone", orphanedImage.top("v1"));
    referrers.attach(
        "signed/gone",
        orphanedImage.top("v1"),
        "application/spdx+json",
        "application/spdx+json",
        "{}");
    seeder.deleteManifest("signed/gone", orphanedImage.top("v1").digest());

    // A tag named like a fallback tag that points at an ordinary index of another image.
    fallbackSubject = seeder.pushImage("shapes/fallback", ImageSpec.singlePlatform(), "v1");
    SeededImage other =
        seeder.pushImage("shapes/fallback", ImageSpec.singlePlatform().seed(7), "other");
    field.index(
        "shapes/fallback",
        "sha256-" + fallbackSubject.top("v1").digest().hex(),
        List.of(other.top("other")));

    // Repositories the catalog lists with no tags: pushed by digest only, and every tag deleted.
    SeededImage digestOnly =
        seeder.pushImage("shapes/digest-only", ImageSpec.singlePlatform(), "t");
    seeder.deleteManifest("shapes/digest-only", digestOnly.top("t").digest());
    seeder.pushManifest(
        "shapes/digest-only",
        null,
        MediaTypes.OCI_INDEX,
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}"
            .getBytes());
    SeededImage emptied = seeder.pushImage("shapes/emptied", ImageSpec.multiPlatform(), "v1");
    seeder.deleteManifest("shapes/emptied", emptied.top("v1").digest());
  }

  @AfterAll
  static void stop() {
    urls.close();
  }

  private static String ref(String repoAndTag) {
    return REGISTRY.host() + "/" + repoAndTag;
  }

  private static Cli.Run verify(String... args) {
    List<String> all =
        new ArrayList<>(List.of("verify", "--username", USER, "--password", PASSWORD));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  private static JsonObject node(Cli.Run run, Object digest) {
    for (JsonElement image : run.json().getAsJsonArray("images")) {
      for (JsonElement n : image.getAsJsonObject().getAsJsonArray("nodes")) {
        if (digest.toString().equals(n.getAsJsonObject().get("digest").getAsString())) {
          return n.getAsJsonObject();
        }
      }
    }
    throw new AssertionError(digest + " not in the report: " + run.out());
  }

  @Test
  void aWindowsImageWhoseBaseLayerIsForeignPassesWithTheLayerNamedExternal() throws Exception {
    Cli.Run run = verify("--format", "json", ref("win/app:1"));
    assertEquals(0, run.exitCode(), run.all());
    JsonObject layer = node(run, windows.foreign().digest());
    assertEquals("external", layer.get("finding").getAsString());
    assertEquals("external", layer.get("proof").getAsString());
    assertEquals(windows.foreign().url(), layer.get("url").getAsString());
    assertEquals("windows/amd64", layer.get("platform").getAsString());
    assertEquals(1, run.json().getAsJsonObject("summary").get("external").getAsInt());
    assertEquals(0, run.json().getAsJsonObject("summary").get("failed").getAsInt());
    assertTrue(
        urls.seen().isEmpty(), "the URL is asked only under --check-external: " + urls.seen());

    Cli.Run text = verify(ref("win/app:1"));
    assertTrue(text.out().contains("1 external"), text.out());
    assertEquals(0, Skopeo.pullAll(ref("win/app:1"), CREDS).exitCode(), "skopeo copies it too");
  }

  @Test
  void checkExternalReadsTheFirstByteFromTheUrlWithoutAnyCredential() {
    urls.reset();
    Cli.Run run = verify("--check-external", "--format", "json", ref("win/app:1"));
    assertEquals(0, run.exitCode(), run.all());
    JsonObject layer = node(run, windows.foreign().digest());
    assertEquals("external", layer.get("finding").getAsString());
    assertTrue(
        layer.get("detail").getAsString().contains("first byte served there"), layer.toString());
    List<BlobStore.Seen> seen = urls.seen();
    assertEquals(1, seen.size(), seen.toString());
    assertEquals("bytes=0-0", seen.get(0).range());
    assertEquals(
        null,
        seen.get(0).authorization(),
        "the registry's credential must never reach the layer's URL");
  }

  @Test
  void checkExternalFailsALayerItsUrlDoesNotServeAndAPlainRunDoesNot() {
    assertEquals(0, verify(ref("win/nondist:1")).exitCode());
    Cli.Run run = verify("--check-external", "--format", "json", ref("win/nondist:1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(
        List.of(unservedLayer.digest().toString()),
        List.copyOf(Reports.failingDigests(run.json())));
    assertTrue(
        node(run, unservedLayer.digest())
            .get("detail")
            .getAsString()
            .contains("does not serve it (404)"),
        run.out());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"shapes/zero:1", "shapes/dup:1", "shapes/artifact:1", "charts/demo:0.1.0"})
  void shapesOtherToolsPushAreIntactUnderEveryCheckAsSkopeoAgrees(String image) throws Exception {
    for (String check : List.of("head", "read", "content")) {
      Cli.Run run = verify("--blob-check", check, "--format", "json", ref(image));
      assertEquals(0, run.exitCode(), check + ": " + run.all());
      assertEquals(0, run.json().getAsJsonObject("summary").get("failed").getAsInt(), run.out());
    }
    assertEquals(0, Skopeo.pullAll(ref(image), CREDS).exitCode(), image);
  }

  @Test
  void aSignatureWhoseImageWasDeletedIsAWarningAndStrictMakesItAFailure() {
    String subject = orphanedImage.top("v1").digest().toString();
    String sigTag = "sha256-" + orphanedImage.top("v1").digest().hex() + ".sig";
    Cli.Run run = verify("--format", "json", ref("signed/gone:" + sigTag));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(1, run.json().getAsJsonObject("summary").get("warnings").getAsInt(), run.out());
    JsonObject warning = run.json().getAsJsonArray("warningFindings").get(0).getAsJsonObject();
    assertEquals("orphaned-referrer", warning.get("finding").getAsString());
    assertEquals(subject, warning.get("digest").getAsString());
    assertEquals(
        "warn",
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().get("verdict").getAsString());

    Cli.Run text = verify(ref("signed/gone:" + sigTag));
    assertTrue(text.out().contains("WARNINGS (1)"), text.out());
    assertTrue(
        text.out().contains("ORPHANED-REFERRER subject " + subject + ": deleted"), text.out());
    assertTrue(text.out().contains("next: the image this signature"), text.out());
    assertTrue(text.out().contains("INTACT: "), text.out());

    Cli.Run strict = verify("--strict", ref("signed/gone:" + sigTag));
    assertEquals(1, strict.exitCode(), strict.all());
    assertTrue(strict.out().contains("FAILURES (1)"), strict.out());
  }

  @Test
  void theFallbackTagOfADeletedImageIsAWarningToo() {
    String fallback = "sha256-" + orphanedImage.top("v1").digest().hex();
    Cli.Run run = verify("--format", "json", ref("signed/gone:" + fallback));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(1, run.json().getAsJsonObject("summary").get("warnings").getAsInt(), run.out());
  }

  @Test
  void aShaTagPointingAtAnOrdinaryIndexListsNoReferrersAndSatisfiesNoRequirement() {
    Cli.Run run = verify("--referrers", "--format", "json", ref("shapes/fallback:v1"));
    assertEquals(0, run.exitCode(), run.all());
    for (JsonElement n :
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonArray("nodes")) {
      assertFalse(n.getAsJsonObject().has("artifactType"), "no referrer expected: " + n);
    }
    assertTrue(
        run.json()
            .getAsJsonArray("notes")
            .toString()
            .contains("does not name " + fallbackSubject.top("v1").digest()),
        run.out());
    Cli.Run required =
        verify("--require-artifact-type", MediaTypes.OCI_CONFIG, ref("shapes/fallback:v1"));
    assertEquals(1, required.exitCode(), required.all());
    assertTrue(required.out().contains("REFERRER-MISSING"), required.out());
  }

  @Test
  void aProbeOfEveryShapeExitsZeroWithNoErrorsAndCountsWhatItFound() throws Exception {
    Path textfile = Files.createTempDirectory("field-probe").resolve("registry.prom");
    Cli.Run run =
        Cli.run(
            "probe",
            "--registry",
            REGISTRY.host(),
            "--username",
            USER,
            "--password",
            PASSWORD,
            "--textfile",
            textfile.toString());
    assertEquals(0, run.exitCode(), run.all());
    Map<String, Double> m = metrics(Files.readString(textfile));
    assertEquals(0.0, m.get("probe_errors"), run.out());
    assertEquals(0.0, m.get("failures"), run.out());
    assertEquals(1.0, m.get("orphaned_referrers"), run.out());
    assertEquals(2.0, m.get("repos_without_tags"), run.out());
    assertTrue(run.out().contains("INTACT"), run.out());
    assertTrue(run.out().contains("WARNINGS ("), run.out());

    Cli.Run strict =
        Cli.run(
            "probe",
            "--registry",
            REGISTRY.host(),
            "--username",
            USER,
            "--password",
            PASSWORD,
            "--strict",
            "--format",
            "json");
    assertEquals(1, strict.exitCode(), strict.all());
    assertEquals("integrity-failure", strict.json().get("result").getAsString());
  }

  private static Map<String, Double> metrics(String exposition) {
    Map<String, Double> values = new HashMap<>();
    Matcher m =
        Pattern.compile("(?m)^registry_manifest_integrity_([a-z_]+)(\\{[^}]*})? (\\S+)$")
            .matcher(exposition);
    while (m.find()) {
      values.merge(m.group(1), Double.parseDouble(m.group(3)), Double::sum);
    }
    return values;
  }
}
