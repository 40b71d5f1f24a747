package dev.registryintegrity.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.fixture.Skopeo;
import dev.registryintegrity.fixture.Trees;
import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * heal against real registries: the incident replayed with the registry's own garbage collector,
 * the missing content put back from a second real registry, an OCI layout skopeo wrote, and a copy
 * of the storage taken before the collection; skopeo then pulls what verify calls intact.
 */
class HealIT {
  @RegisterExtension static final RegistryFixture BROKEN = RegistryFixture.create();
  @RegisterExtension static final RegistryFixture MIRROR = RegistryFixture.create();

  @TempDir Path temp;

  private static String ref(RegistryFixture registry, String repo, String tag) {
    return registry.host() + "/" + repo + ":" + tag;
  }

  /** The incident: two tags share the children, a cleanup drops one, GC collects its children. */
  private SeededImage incident(String repo, Runnable beforeCollection) throws Exception {
    SeededImage image =
        BROKEN.seeder().pushImage(repo, ImageSpec.multiPlatform(), "latest", "keep");
    beforeCollection.run();
    BROKEN.loseIndexChildren(repo, "latest", image);
    Cli.Run broken = Cli.run("verify", "--format", "json", ref(BROKEN, repo, "keep"));
    assertEquals(1, broken.exitCode(), broken.all());
    assertEquals(
        Reports.strings(image.manifestDigestsBelowTop()), Reports.failingDigests(broken.json()));
    return image;
  }

  private void assertHealed(SeededImage image, String repo, Cli.Run heal) throws Exception {
    assertEquals(0, heal.exitCode(), heal.all());
    for (Digest child : image.manifestDigestsBelowTop()) {
      assertTrue(heal.out().contains(child.toString()), child + " not reported: " + heal.out());
    }
    assertTrue(heal.out().contains("INTACT"), heal.out());
    Cli.Run verify =
        Cli.run(
            "verify",
            "--blob-check",
            "content",
            "--expected-digest",
            image.top("keep").digest().toString(),
            ref(BROKEN, repo, "keep"));
    assertEquals(0, verify.exitCode(), "the tag resolves to the digest it had: " + verify.all());
    Skopeo.Pull pull = Skopeo.pullAll(ref(BROKEN, repo, "keep"));
    assertEquals(0, pull.exitCode(), pull.output());
  }

  /** The image as the builder's OCI layout holds it, taken before the collection. */
  private static void copyToLayout(String repo, Path layout) {
    try {
      Skopeo.copyToLayout(ref(BROKEN, repo, "keep"), layout);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private TreeMap<String, String> tags(String repo) throws IOException {
    TreeMap<String, String> tags = new TreeMap<>();
    Path dir =
        BROKEN.storageRoot().resolve("repositories").resolve(repo).resolve("_manifests/tags");
    try (Stream<Path> each = Files.list(dir)) {
      for (Path tag : each.toList()) {
        tags.put(tag.getFileName().toString(), Files.readString(tag.resolve("current/link")));
      }
    }
    return tags;
  }

  @Test
  void incidentHealedFromASecondRealRegistryKeepsEveryDigestAndTouchesNoTag() throws Exception {
    String repo = "team/heal-mirror";
    MIRROR.seeder().pushImage(repo, ImageSpec.multiPlatform(), "keep");
    SeededImage image = incident(repo, () -> {});
    TreeMap<String, String> tagsBefore = tags(repo);

    Cli.Run dry =
        Cli.run(
            "heal",
            "--dry-run",
            ref(BROKEN, repo, "keep"),
            "--from",
            "docker://" + MIRROR.host() + "/" + repo);
    assertEquals(0, dry.exitCode(), "everything missing was found: " + dry.all());
    assertTrue(dry.out().contains("would restore"), dry.out());
    assertEquals(
        1, Cli.run("verify", ref(BROKEN, repo, "keep")).exitCode(), "a dry run writes nothing");

    Cli.Run heal =
        Cli.run(
            "heal", ref(BROKEN, repo, "keep"), "--from", "docker://" + MIRROR.host() + "/" + repo);
    assertHealed(image, repo, heal);
    assertTrue(
        heal.out().contains("from registry " + MIRROR.host() + " repository " + repo + " (copy)"),
        heal.out());
    assertEquals(tagsBefore, tags(repo), "no tag was created, moved or removed");
  }

  @Test
  void incidentHealedFromAnOciLayoutSkopeoWrote() throws Exception {
    String repo = "heal-layout";
    Path layout = temp.resolve("layout");
    SeededImage image = incident(repo, () -> copyToLayout(repo, layout));
    assertHealed(
        image, repo, Cli.run("heal", ref(BROKEN, repo, "keep"), "--from", "oci:" + layout));
  }

  @Test
  void incidentHealedFromACopyOfTheStorageTakenBeforeTheCollection() throws Exception {
    String repo = "heal-backup";
    Path backup = temp.resolve("backup");
    SeededImage image = incident(repo, () -> Trees.copy(BROKEN.storageDirectory(), backup));
    Cli.Run heal = Cli.run("heal", ref(BROKEN, repo, "keep"), "--from", "storage:" + backup);
    assertHealed(image, repo, heal);
    assertTrue(heal.out().contains("from storage " + backup + " (copy)"), heal.out());
  }

  @Test
  void aSourceThatLacksABlobRestoresEverythingElseAndNamesTheBlob() throws Exception {
    String repo = "heal-partial";
    SeededImage mirrored = MIRROR.seeder().pushImage(repo, ImageSpec.multiPlatform(), "keep");
    Digest lost = mirrored.child("linux/arm64").layers().get(2).digest();
    MIRROR.deleteLayerLink(repo, lost);
    incident(repo, () -> {});
    Cli.Run heal =
        Cli.run(
            "heal", ref(BROKEN, repo, "keep"), "--from", "docker://" + MIRROR.host() + "/" + repo);
    assertEquals(1, heal.exitCode(), heal.all());
    List<String> stillMissing =
        heal.out().lines().filter(l -> l.contains("still missing ")).toList();
    assertEquals(2, stillMissing.size(), "the layer and the manifest that needs it: " + heal.out());
    assertTrue(
        stillMissing.stream()
            .anyMatch(l -> l.contains(lost.toString()) && l.contains("404 BLOB_UNKNOWN")),
        heal.out());
    assertTrue(heal.out().contains("rebuild"), heal.out());
    Cli.Run after = Cli.run("verify", "--format", "json", ref(BROKEN, repo, "keep"));
    assertEquals(
        Set.of(mirrored.child("linux/arm64").manifest().digest().toString()),
        Reports.failingDigests(after.json()),
        "only the platform whose layer no source holds stays broken");
  }

  @Test
  void aSourceServingWrongBytesForADigestGetsNothingCommitted() throws Exception {
    String repo = "heal-wrong";
    Path layout = temp.resolve("wrong");
    SeededImage image = incident(repo, () -> copyToLayout(repo, layout));
    Digest layer = image.child("linux/amd64").layers().get(1).digest();
    Path file = layout.resolve("blobs").resolve(layer.algorithm()).resolve(layer.hex());
    byte[] wrong = Files.readAllBytes(file);
    wrong[wrong.length / 2] ^= 0x5a;
    Files.write(file, wrong);
    assertFalse(Files.exists(BROKEN.blobDataPath(layer)), "the collector took the layer");

    Cli.Run heal = Cli.run("heal", ref(BROKEN, repo, "keep"), "--from", "oci:" + layout);
    assertEquals(1, heal.exitCode(), heal.all());
    assertTrue(heal.out().contains("sent wrong bytes"), heal.out());
    assertTrue(heal.out().contains("nothing committed"), heal.out());
    assertFalse(Files.exists(BROKEN.blobDataPath(layer)), "no blob was committed under its digest");
  }

  @Test
  void anotherRepositoryOfTheSameRegistryLendsItsBlobsByMount() throws Exception {
    String repo = "heal-mount";
    String other = "heal-mount-copy";
    // The same content under another repository, pushed after the collection (a promotion from
    // the mirror): its blobs are in the registry again; this repository's links to them are not.
    MIRROR.seeder().pushImage(repo, ImageSpec.multiPlatform(), "keep");
    SeededImage image = incident(repo, () -> {});
    Skopeo.copy("docker://" + ref(MIRROR, repo, "keep"), "docker://" + ref(BROKEN, other, "v1"));
    var child = image.child("linux/amd64");
    BROKEN.deleteLayerLink(repo, child.config().digest());
    for (var layer : child.layers()) {
      BROKEN.deleteLayerLink(repo, layer.digest());
    }
    Cli.Run heal = Cli.run("heal", ref(BROKEN, repo, "keep"), "--from-repos", other);
    assertHealed(image, repo, heal);
    assertTrue(
        heal.out()
            .lines()
            .anyMatch(
                l ->
                    l.contains(child.config().digest().toString())
                        && l.contains("from repository " + other + " (mount)")),
        heal.out());
    assertTrue(heal.out().contains("0 B copied"), "a mount moves no bytes: " + heal.out());
  }

  @Test
  void noSourceIsAUsageErrorThatNamesTheOptions() {
    Cli.Run run = Cli.run("heal", "127.0.0.1:1/app:v1");
    assertEquals(2, run.exitCode(), run.all());
    assertTrue(run.err().contains("--from SOURCE"), run.err());
  }
}
