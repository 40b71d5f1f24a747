package dev.registryintegrity.storage;

import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.RegistryFixture;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a collector can delete, as one string per revision link, layer link and blob data, to diff a
 * store before and after it runs against what gc-check predicted.
 */
final class CollectorState {
  private CollectorState() {}

  /** The store's revision links, layer links and blobs with data, read from its files. */
  static Set<String> of(Path root) {
    StorageLayout layout = StorageLayout.open(root.toString(), java.util.Map.of());
    Set<String> state = new TreeSet<>();
    for (String repo : layout.repositories()) {
      layout.revisions(repo).forEach(d -> state.add("revision " + repo + "@" + d));
      layout.layers(repo).forEach(d -> state.add("layer " + repo + "@" + d));
    }
    layout.forEachBlob(d -> state.add("blob " + d));
    return state;
  }

  /**
   * gc-check's JSON prediction of {@code garbage-collect --delete-untagged} by this registry's
   * collector, on its storage (a directory, or its bucket with the S3 variables).
   */
  static Cli.Run predict(RegistryFixture registry) {
    return Cli.run(
        registry.storageEnvironment(),
        "",
        "gc-check",
        "--delete-untagged",
        "--registry-version",
        registry.implementation() == Implementation.V3 ? "3" : "2",
        "--format",
        "json",
        registry.storageUrl());
  }

  /** What gc-check's JSON report says the collector deletes, in the same strings. */
  static Set<String> predicted(JsonObject report) {
    Set<String> deleted = new TreeSet<>();
    JsonObject deletes = report.getAsJsonObject("deletes");
    deletes
        .getAsJsonArray("revisionLinks")
        .forEach(e -> deleted.add("revision " + e.getAsString()));
    deletes.getAsJsonArray("blobs").forEach(e -> deleted.add("blob " + e.getAsString()));
    deletes.getAsJsonArray("layerLinks").forEach(e -> deleted.add("layer " + e.getAsString()));
    return deleted;
  }

  /** What is in {@code before} and not in {@code after}. */
  static Set<String> removed(Set<String> before, Set<String> after) {
    Set<String> gone = new TreeSet<>(before);
    gone.removeAll(after);
    return gone;
  }
}
