package dev.registryintegrity.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.model.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
  @TempDir Path dir;

  @Test
  void healthyLayoutVerifiesIntactIncludingItsAttestation() throws Exception {
    ExampleLayouts.Written w = ExampleLayouts.write(dir);
    Cli.Run run =
        Cli.run("verify", "--format", "json", "oci:" + dir.resolve("healthy") + ":latest");
    assertEquals(0, run.exitCode(), run.all());
    JsonObject summary = run.json().getAsJsonObject("summary");
    // index + 2 x (manifest + config + 2 layers) + attestation + its config + its statement
    assertEquals(12, summary.get("digests").getAsInt());
    assertEquals(
        w.index().toString(),
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().get("digest").getAsString());
  }

  @Test
  void orphanIndexNamesTheMissingPlatformChild() throws Exception {
    ExampleLayouts.Written w = ExampleLayouts.write(dir);
    Cli.Run run =
        Cli.run("verify", "--format", "json", "oci:" + dir.resolve("orphan-index") + ":latest");
    assertEquals(1, run.exitCode(), run.all());
    List<JsonElement> failures = run.json().getAsJsonArray("failures").asList();
    assertEquals(1, failures.size());
    JsonObject f = failures.get(0).getAsJsonObject();
    assertEquals(w.arm64().toString(), f.get("digest").getAsString());
    assertEquals("linux/arm64", f.get("platform").getAsString());
    assertEquals("missing", f.get("finding").getAsString());
  }

  @Test
  void unknownTagListsTheNamesTheLayoutHas() throws Exception {
    ExampleLayouts.write(dir);
    Cli.Run run = Cli.run("verify", "oci:" + dir.resolve("healthy") + ":v9");
    assertEquals(1, run.exitCode());
    assertTrue(
        run.out().contains("index.json names no manifest 'v9' (it names: latest)"), run.out());
  }

  @Test
  void layoutWithoutTagChecksEverythingIndexJsonLists() throws Exception {
    ExampleLayouts.write(dir);
    Cli.Run run = Cli.run("verify", "--format", "json", "oci:" + dir.resolve("healthy"));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(13, run.json().getAsJsonObject("summary").get("digests").getAsInt());
  }

  @Test
  void everyBlobIsNamedByItsSha256AndRegeneratingGivesIdenticalBytes() throws Exception {
    ExampleLayouts.write(dir.resolve("a"));
    ExampleLayouts.write(dir.resolve("b"));
    try (Stream<Path> files = Files.walk(dir.resolve("a"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(
            bytes, Files.readAllBytes(dir.resolve("b").resolve(dir.resolve("a").relativize(file))));
        if (file.getParent().getFileName().toString().equals("sha256")) {
          assertEquals(file.getFileName().toString(), Digest.sha256Of(bytes).hex());
        }
      }
    }
  }

  @Test
  void bundledExamplesAreWhatTheGeneratorWrites() throws Exception {
    ExampleLayouts.write(dir);
    Path bundled = Path.of("examples/layouts");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path twin = bundled.resolve(dir.relativize(file));
        assertTrue(
            Files.exists(twin),
            "examples/layouts lacks " + dir.relativize(file) + ": regenerate (see ExampleLayouts)");
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(twin), twin.toString());
      }
    }
  }
}
