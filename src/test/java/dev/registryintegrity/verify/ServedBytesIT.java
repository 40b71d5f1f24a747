package dev.registryintegrity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.Blob;
import dev.registryintegrity.fixture.ImageSeeder.Child;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.model.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry's own default configuration (an in-memory blob descriptor cache) with data lost
 * behind its back: what a HEAD cannot see and what the default check must.
 */
class ServedBytesIT {
  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.create().withBlobDescriptorCache();

  private String ref(String repo, String tag) {
    return REGISTRY.host() + "/" + repo + ":" + tag;
  }

  @Test
  void layerDataLostBehindAWarmCacheIsNamedBlobByBlobWhileAHeadOnlyCheckIsFooled()
      throws Exception {
    String repo = REGISTRY.uniqueRepo("cached");
    SeededImage broken =
        REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform().seed(101), "v1");
    SeededImage untouched =
        REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform().seed(202), "v2");
    // Warm the cache, as any earlier pull or verify does.
    assertEquals(0, Cli.run("verify", ref(repo, "v1"), ref(repo, "v2")).exitCode());

    Set<String> lost = new TreeSet<>();
    for (Child child : broken.children()) {
      for (Blob layer : child.layers()) {
        if (lost.add(layer.digest().toString())) {
          REGISTRY.deleteBlobData(layer.digest());
        }
      }
    }

    Cli.Run head = Cli.run("verify", "--blob-check", "head", "--format", "json", ref(repo, "v1"));
    assertEquals(
        0,
        head.exitCode(),
        "HEAD is answered from the cache: the blind spot the opt-out documents");
    assertEquals("head", head.json().get("check").getAsString());

    Cli.Run run = Cli.run("verify", "--format", "json", ref(repo, "v1"));
    assertEquals(1, run.exitCode(), run.all());
    assertEquals(lost, Reports.failingDigests(run.json()));
    assertTrue(
        Reports.findingCodes(run.json()).entrySet().stream()
            .filter(e -> lost.contains(e.getKey()))
            .allMatch(e -> e.getValue().equals("data-missing")),
        run.out());
    Skopeo.assertCannotPull(ref(repo, "v1"), "unexpected EOF");

    Cli.Run text = Cli.run("verify", ref(repo, "v1"));
    assertTrue(text.out().contains("DATA-MISSING layer"), text.out());
    // The reason in the registry's terms, as a person reads it.
    assertTrue(
        text.out().contains("listed but its bytes are not served: the registry answered"),
        text.out());
    assertTrue(
        text.out().contains("next: the registry lists this blob but cannot serve its bytes"),
        text.out());
    assertTrue(text.out().contains("blob check read"), text.out());

    Cli.Run healthy = Cli.run("verify", "--format", "json", ref(repo, "v2"));
    assertEquals(0, healthy.exitCode(), healthy.all());
    // Still one request per unique digest: a ranged GET replaces the HEAD, a GET the config's HEAD.
    assertEquals(
        untouched.digestsOf("v2").size(),
        healthy.json().getAsJsonObject("summary").get("requests").getAsInt());
  }

  @Test
  void probeCountsBlobsTheRegistryCannotServeAsFailures(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    String repo = REGISTRY.uniqueRepo("probed");
    SeededImage image =
        REGISTRY.seeder().pushImage(repo, ImageSpec.singlePlatform().seed(303), "v1");
    assertEquals(0, Cli.run("verify", ref(repo, "v1")).exitCode());
    Digest layer = image.children().get(0).layers().get(0).digest();
    REGISTRY.deleteBlobData(layer);
    Path metrics = dir.resolve("probe.prom");
    Cli.Run probe =
        Cli.run(
            "probe",
            "--registry",
            REGISTRY.host(),
            "--include",
            repo,
            "--textfile",
            metrics.toString());
    assertEquals(1, probe.exitCode(), probe.all());
    String text = Files.readString(metrics);
    assertTrue(
        text.contains(
            "registry_manifest_integrity_failures{instance=\"" + REGISTRY.host() + "\"} 1"),
        text);
    assertTrue(
        text.contains(
            "registry_manifest_integrity_repo_failures{instance=\""
                + REGISTRY.host()
                + "\",repository=\""
                + repo
                + "\",kind=\"layer\"} 1"),
        text);
    assertTrue(
        text.contains(
            "registry_manifest_integrity_probe_errors{instance=\"" + REGISTRY.host() + "\"} 0"),
        text);
  }

  @Test
  void aSameSizeCorruptLayerPassesTheReadCheckAndFailsTheContentCheck() throws Exception {
    String repo = REGISTRY.uniqueRepo("flipped");
    SeededImage image =
        REGISTRY.seeder().pushImage(repo, ImageSpec.singlePlatform().seed(404), "v1");
    Digest layer = image.children().get(0).layers().get(1).digest();
    byte[] bytes = Files.readAllBytes(REGISTRY.blobDataPath(layer));
    bytes[bytes.length / 2] ^= 0x20;
    REGISTRY.overwriteBlobData(layer, bytes);

    assertEquals(0, Cli.run("verify", ref(repo, "v1")).exitCode());
    Cli.Run content = Cli.run("verify", "--verify-content", "--format", "json", ref(repo, "v1"));
    assertEquals(1, content.exitCode(), content.all());
    assertEquals(Set.of(layer.toString()), Reports.failingDigests(content.json()));
    assertEquals("digest-differs", Reports.findingCodes(content.json()).get(layer.toString()));
    JsonObject failure = content.json().getAsJsonArray("failures").get(0).getAsJsonObject();
    assertTrue(
        failure.get("detail").getAsString().contains("the hash of the bytes read is sha256:"),
        failure.toString());
  }

  @Test
  void contentCheckOfAnOciLayoutHashesEveryFile(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path layout = dir.resolve("layout");
    copyDirectory(Path.of("examples/layouts/healthy"), layout);
    Cli.Run intact = Cli.run("verify", "--verify-content", "--format", "json", "oci:" + layout);
    assertEquals(0, intact.exitCode(), intact.all());
    List<String> proofs = new ArrayList<>();
    intact
        .json()
        .getAsJsonArray("images")
        .get(0)
        .getAsJsonObject()
        .getAsJsonArray("nodes")
        .forEach(n -> proofs.add(n.getAsJsonObject().get("proof").getAsString()));
    assertEquals(Set.of("hashed"), new HashSet<>(proofs));

    String layer =
        intact
            .json()
            .getAsJsonArray("images")
            .get(0)
            .getAsJsonObject()
            .getAsJsonArray("nodes")
            .asList()
            .stream()
            .map(n -> n.getAsJsonObject())
            .filter(n -> n.get("kind").getAsString().equals("layer"))
            .map(n -> n.get("digest").getAsString())
            .findFirst()
            .orElseThrow();
    Path file = layout.resolve("blobs/sha256/" + layer.substring("sha256:".length()));
    byte[] bytes = Files.readAllBytes(file);
    bytes[0] ^= 1;
    Files.write(file, bytes);
    assertEquals(
        0, Cli.run("verify", "oci:" + layout).exitCode(), "a file of the right size is served");
    Cli.Run corrupt = Cli.run("verify", "--verify-content", "--format", "json", "oci:" + layout);
    assertEquals(1, corrupt.exitCode(), corrupt.all());
    assertEquals(Set.of(layer), Reports.failingDigests(corrupt.json()));
  }

  private static void copyDirectory(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  @Test
  void aBaseLayerSharedByManyRepositoriesWhoseBytesAreGoneFailsInEveryOneReadOnce(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    dev.registryintegrity.fixture.FieldImages field =
        new dev.registryintegrity.fixture.FieldImages(REGISTRY.seeder());
    byte[] base =
        "a base layer every team builds on".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<String> repos = List.of("fleet/a", "fleet/b", "fleet/c");
    Digest shared = null;
    for (String repo : repos) {
      ImageSeeder.Blob layer = REGISTRY.seeder().pushBlob(repo, base, ImageSeeder.OCI_LAYER);
      shared = layer.digest();
      field.linuxImageOf(repo, "v1", layer);
      assertEquals(0, Cli.run("verify", ref(repo, "v1")).exitCode(), "warm the descriptor cache");
    }
    REGISTRY.deleteBlobData(shared);
    Cli.Run probe =
        Cli.run("probe", "--registry", REGISTRY.host(), "--include", "fleet/*", "--format", "json");
    assertEquals(1, probe.exitCode(), probe.all());
    java.util.Map<String, String> findings = new java.util.HashMap<>();
    for (var image : probe.json().getAsJsonArray("images")) {
      String reference = image.getAsJsonObject().get("reference").getAsString();
      for (var n : image.getAsJsonObject().getAsJsonArray("nodes")) {
        if (shared.toString().equals(n.getAsJsonObject().get("digest").getAsString())) {
          findings.put(
              reference,
              n.getAsJsonObject().get("finding").getAsString()
                  + " "
                  + n.getAsJsonObject().get("detail").getAsString());
        }
      }
    }
    assertEquals(3, findings.size(), findings.toString());
    assertTrue(
        findings.values().stream().allMatch(f -> f.startsWith("data-missing")),
        findings.toString());
    // Read once, in whichever repository reached it first; the others borrowed that proof.
    assertEquals(
        2,
        findings.values().stream().filter(f -> f.contains("(its bytes, read in fleet/")).count(),
        findings.toString());
  }
}
