package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc-check's prediction held against the real collectors: what distribution 2.8's and v3's own
 * {@code garbage-collect} then delete from the same store is exactly what gc-check named.
 */
class GcCheckIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @TempDir Path temp;

  /** Revision links, blob data and layer links, each as a string, to diff before and after. */
  private static Set<String> state(Path root) {
    StorageLayout layout = StorageLayout.at(root);
    Set<String> state = new TreeSet<>();
    for (String repo : layout.repositories()) {
      layout.revisions(repo).forEach(d -> state.add("revision " + repo + "@" + d));
      layout.layers(repo).forEach(d -> state.add("layer " + repo + "@" + d));
    }
    layout.forEachBlob(d -> state.add("blob " + d));
    return state;
  }

  private static Set<String> predicted(JsonObject report) {
    Set<String> deleted = new TreeSet<>();
    JsonObject deletes = report.getAsJsonObject("deletes");
    deletes
        .getAsJsonArray("revisionLinks")
        .forEach(e -> deleted.add("revision " + e.getAsString()));
    deletes.getAsJsonArray("blobs").forEach(e -> deleted.add("blob " + e.getAsString()));
    deletes.getAsJsonArray("layerLinks").forEach(e -> deleted.add("layer " + e.getAsString()));
    return deleted;
  }

  private static Set<String> removed(Set<String> before, Set<String> after) {
    Set<String> gone = new TreeSet<>(before);
    gone.removeAll(after);
    return gone;
  }

  private SeededImage incident(String repo) throws Exception {
    SeededImage image =
        REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "latest", "keep");
    REGISTRY.deleteTagDirectory(repo, "latest");
    return image;
  }

  /** gc-check's JSON prediction of {@code garbage-collect --delete-untagged} on that version. */
  private static Cli.Run gcCheck(String version, Path root) {
    return Cli.run(
        "gc-check",
        "--delete-untagged",
        "--registry-version",
        version,
        "--format",
        "json",
        root.toString());
  }

  @Test
  void onDistribution28ItNamesExactlyTheIndexChildrenTheCollectorThenDeletes() throws Exception {
    SeededImage image = incident("gc-incident");
    Path root = REGISTRY.storageDirectory();
    Cli.Run check = gcCheck("2", root);
    assertEquals(1, check.exitCode(), "the collection would break the kept tag: " + check.all());
    JsonObject report = check.json();
    JsonArray breaks = report.getAsJsonArray("breaks");
    assertFalse(breaks.isEmpty());
    Set<String> broken = new TreeSet<>();
    breaks.forEach(b -> broken.add(b.getAsJsonObject().get("tag").getAsString()));
    assertTrue(broken.contains("gc-incident:keep"), broken.toString());
    assertFalse(broken.contains("gc-safe:v1"), "a tag without an index loses nothing: " + broken);
    Set<String> unlinked = new TreeSet<>();
    breaks.forEach(
        b -> {
          JsonObject o = b.getAsJsonObject();
          if (o.get("tag").getAsString().equals("gc-incident:keep")
              && o.get("lost").getAsString().equals("revision link")) {
            unlinked.add(o.get("digest").getAsString());
          }
        });
    assertEquals(
        dev.registryintegrity.fixture.Reports.strings(image.manifestDigestsBelowTop()),
        unlinked,
        "every child manifest of the kept index is named as losing its link");
    Cli.Run text =
        Cli.run("gc-check", "--delete-untagged", "--registry-version", "2", root.toString());
    assertTrue(text.out().contains("NOT SAFE"), text.out());

    Set<String> before = state(root);
    REGISTRY.garbageCollect(true);
    assertEquals(predicted(report), removed(before, state(root)), "predicted = what 2.8 deleted");
    assertEquals(1, Cli.run("verify", REGISTRY.host() + "/gc-incident:keep").exitCode());
  }

  @Test
  void aCollectionThatBreaksNoTagIsSafeAndDeletesWhatWasPredicted() throws Exception {
    SeededImage kept = REGISTRY.seeder().pushImage("gc-safe", ImageSpec.singlePlatform(), "v1");
    REGISTRY.seeder().pushImage("gc-safe", ImageSpec.singlePlatform().seed(7), "old");
    REGISTRY.deleteTagDirectory("gc-safe", "old");
    Path root = REGISTRY.storageDirectory();
    Cli.Run check = gcCheck("2", root);
    assertEquals(0, check.exitCode(), check.all());
    Set<String> predicted = predicted(check.json());
    assertFalse(predicted.isEmpty(), "the dropped tag's manifest and blobs go");
    Set<String> before = state(root);
    REGISTRY.garbageCollect(true);
    assertEquals(predicted, removed(before, state(root)));
    assertEquals(
        0,
        Cli.run(
                "verify",
                "--expected-digest",
                kept.top("v1").digest().toString(),
                REGISTRY.host() + "/gc-safe:v1")
            .exitCode());
  }

  @Test
  void onDistributionV3TheSameStoreIsSafeAndItsCollectorDeletesWhatWasPredicted() throws Exception {
    incident("gc-v3");
    // The registry is idle: its storage copies as a backup would.
    Path root = temp.resolve("v3-storage");
    Trees.copy(REGISTRY.storageDirectory(), root);
    Cli.Run check = gcCheck("3", root);
    assertEquals(0, check.exitCode(), "v3 marks an index's children: " + check.all());
    Path config = temp.resolve("v3.yml");
    Files.writeString(
        config,
        "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
            + root
            + "\n  delete:\n    enabled: true\n",
        StandardCharsets.UTF_8);
    Set<String> before = state(root);
    Process gc =
        new ProcessBuilder(
                registry3().toString(), "garbage-collect", "--delete-untagged", config.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(gc.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, gc.exitValue(), output);
    assertEquals(
        predicted(check.json()), removed(before, state(root)), "predicted = what v3 deleted");
    Cli.Run fsck = Cli.run("fsck", root.toString());
    assertEquals(0, fsck.exitCode(), "v3 kept every child of the kept index: " + fsck.all());
  }

  /** distribution v3.0.0 as built beside the project (shared/registry/registry3); never skipped. */
  static Path registry3() {
    Path binary =
        Path.of(System.getProperty("registry3.binary", "../shared/registry/registry3"))
            .toAbsolutePath();
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "distribution v3 is not at "
              + binary
              + ": give -Dregistry3.binary=PATH (shared/registry/registry3, built by its build-registry3.sh)");
    }
    return binary;
  }
}
