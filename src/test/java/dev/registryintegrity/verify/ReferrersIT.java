package dev.registryintegrity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.ReferrerSeeder.Artifact;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signatures and SBOMs on a real distribution 2.8 registry, which has no referrers API: OCI 1.1
 * referrers through the fallback tag, cosign signatures through its tag scheme.
 */
class ReferrersIT {
  private static final String SPDX = "application/spdx+json";
  private static final String COSIGN_SIG = "application/vnd.dev.cosign.artifact.sig.v1+json";
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  private final ReferrerSeeder referrers = new ReferrerSeeder(REGISTRY.seeder());

  private String ref(String repo, String tag) {
    return REGISTRY.host() + "/" + repo + ":" + tag;
  }

  private record Signed(SeededImage image, Artifact signature, Artifact sbom) {}

  private Signed signedImage(String repo) throws Exception {
    SeededImage image = REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "v1");
    Artifact signature = referrers.signWithCosignTag(repo, image.top("v1"));
    Artifact sbom =
        referrers.attach(
            repo,
            image.top("v1"),
            SPDX,
            SPDX,
            "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"" + repo + "\"}");
    return new Signed(image, signature, sbom);
  }

  private static List<JsonObject> nodes(Cli.Run run) {
    List<JsonObject> nodes = new ArrayList<>();
    for (JsonElement n :
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonArray("nodes")) {
      nodes.add(n.getAsJsonObject());
    }
    return nodes;
  }

  private static JsonObject node(Cli.Run run, Object digest) {
    return nodes(run).stream()
        .filter(n -> digest.toString().equals(n.get("digest").getAsString()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(digest + " not in the report: " + run.out()));
  }

  @Test
  void aTagSchemeSignatureAndAnOci11SbomAreWalkedWithTheirBlobsUnderTheirSubject()
      throws Exception {
    String repo = REGISTRY.uniqueRepo("signed");
    Signed s = signedImage(repo);
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", ref(repo, "v1"));
    assertEquals(0, run.exitCode(), run.all());
    String index = s.image().top("v1").digest().toString();
    JsonObject signature = node(run, s.signature().manifest().digest());
    assertEquals("signature", signature.get("kind").getAsString());
    assertEquals(COSIGN_SIG, signature.get("artifactType").getAsString());
    assertEquals(index, signature.get("parent").getAsString());
    JsonObject sbom = node(run, s.sbom().manifest().digest());
    assertEquals("sbom", sbom.get("kind").getAsString());
    assertEquals(SPDX, sbom.get("artifactType").getAsString());
    assertEquals(index, sbom.get("parent").getAsString());
    for (Artifact a : List.of(s.signature(), s.sbom())) {
      assertEquals("intact", node(run, a.layer().digest()).get("finding").getAsString());
      assertEquals(
          a.manifest().digest().toString(),
          node(run, a.layer().digest()).get("parent").getAsString());
      assertEquals("intact", node(run, a.config().digest()).get("finding").getAsString());
    }
    Cli.Run text = Cli.run("verify", "--referrers", "--log-level", "debug", ref(repo, "v1"));
    assertTrue(text.out().contains("  signature    -"), text.out());
    assertTrue(text.out().contains("[" + SPDX + "]"), text.out());
  }

  @Test
  void withoutReferrersNothingChangesInRequestsOrOutput() throws Exception {
    String repo = REGISTRY.uniqueRepo("plain");
    Signed s = signedImage(repo);
    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(
        s.image().digestsOf("v1").size(),
        run.json().getAsJsonObject("summary").get("requests").getAsInt());
    assertEquals(
        Reports.strings(s.image().digestsOf("v1")), Reports.findingCodes(run.json()).keySet());
    Cli.Run with = Cli.run("verify", "--referrers", "--format", "json", ref(repo, "v1"));
    int extra =
        with.json().getAsJsonObject("summary").get("requests").getAsInt()
            - run.json().getAsJsonObject("summary").get("requests").getAsInt();
    // One tag listing for the repository, one referrers-API probe (404: no API, so no other
    // manifest asks), the fallback index, the cosign tag's HEAD, and the two referrers' own
    // manifests, configs and layers.
    assertEquals(4 + 2 * 3, extra, with.out());
  }

  @Test
  void deletingTheSbomManifestFailsNamingIt() throws Exception {
    String repo = REGISTRY.uniqueRepo("sbom-gone");
    Signed s = signedImage(repo);
    REGISTRY.seeder().deleteManifest(repo, s.sbom().manifest().digest());
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(
        Set.of(s.sbom().manifest().digest().toString()), Reports.failingDigests(run.json()));
    JsonObject failure = run.json().getAsJsonArray("failures").get(0).getAsJsonObject();
    assertEquals("sbom", failure.get("kind").getAsString());
    assertTrue(
        failure.get("hint").getAsString().contains("sign or attest the image again"),
        failure.toString());
    assertEquals(0, Cli.run("verify", ref(repo, "v1")).exitCode(), "the image itself still pulls");
  }

  @Test
  void removingASignatureLayerLinkFailsNamingIt() throws Exception {
    String repo = REGISTRY.uniqueRepo("sig-gone");
    Signed s = signedImage(repo);
    REGISTRY.deleteLayerLink(repo, s.signature().layer().digest());
    Cli.Run run = Cli.run("verify", "--referrers", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(
        Set.of(s.signature().layer().digest().toString()), Reports.failingDigests(run.json()));
    // The broken signature no longer satisfies a requirement for one.
    Cli.Run required =
        Cli.run(
            "verify", "--require-artifact-type", COSIGN_SIG, "--format", "json", ref(repo, "v1"));
    assertTrue(Reports.findingCodes(required.json()).containsValue("missing"), required.out());
    assertTrue(required.out().contains("referrer-missing"), required.out());
  }

  @Test
  void requiringASignatureFailsAnUnsignedImageAndPassesASignedOne() throws Exception {
    String repo = REGISTRY.uniqueRepo("unsigned");
    REGISTRY.seeder().pushImage(repo, ImageSpec.singlePlatform(), "v1");
    Cli.Run unsigned = Cli.run("verify", "--require-artifact-type", COSIGN_SIG, ref(repo, "v1"));
    assertEquals(1, unsigned.exitCode(), unsigned.all());
    assertTrue(
        unsigned
            .out()
            .contains("REFERRER-MISSING  no intact referrer of artifact type " + COSIGN_SIG),
        unsigned.out());

    String signedRepo = REGISTRY.uniqueRepo("signed-ok");
    signedImage(signedRepo);
    assertEquals(
        0,
        Cli.run("verify", "--require-artifact-type", COSIGN_SIG + "," + SPDX, ref(signedRepo, "v1"))
            .exitCode());
    assertEquals(
        2,
        Cli.run("verify", "--require-artifact-type", "not a type", ref(signedRepo, "v1"))
            .exitCode());
  }

  @Test
  void refsWithReferrersOverHttpKeepsTheSignatureAndSbomAndTheirBlobs() throws Exception {
    String repo = REGISTRY.uniqueRepo("keep");
    Signed s = signedImage(repo);
    Cli.Run run = Cli.run("refs", "--referrers", ref(repo, "v1"));
    assertEquals(0, run.exitCode(), run.all());
    for (Artifact a : List.of(s.signature(), s.sbom())) {
      for (Object d : List.of(a.manifest().digest(), a.config().digest(), a.layer().digest())) {
        assertTrue(run.out().contains(d.toString()), d + " not kept:\n" + run.out());
      }
    }
    Cli.Run without = Cli.run("refs", ref(repo, "v1"));
    assertFalse(without.out().contains(s.sbom().manifest().digest().toString()), without.out());
  }
}
