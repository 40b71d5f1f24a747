package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinsTest {
  private static final Digest RUNNING = Digest.sha256Of("running".getBytes(StandardCharsets.UTF_8));
  private static final Digest GONE = Digest.sha256Of("gone".getBytes(StandardCharsets.UTF_8));

  @TempDir Path work;

  private Pins read(String text) throws Exception {
    return Pins.read(Files.writeString(work.resolve("in-use.txt"), text));
  }

  private static Map<String, Inventory> app() {
    Inventory.Item item =
        new Inventory.Item(
            RUNNING, Kind.MANIFEST, 1, List.of(), List.of(), Optional.empty(), List.of());
    return Map.of(
        "app",
        new Inventory(
            "app", Map.of("v1", RUNNING), Map.of(), Map.of(RUNNING, item), Map.of(), List.of()));
  }

  @Test
  void aDigestOrReferenceIsKeptInItsRepositoryAndATagByName() throws Exception {
    Pins pins =
        read(
            "# running pods\n"
                + RUNNING
                + "\nreg.example:5000/app@"
                + GONE
                + "\n\nreg.example:5000/app:v1\nreg.example:5000/other:v2\n");
    assertEquals(Set.of(RUNNING, GONE), pins.digests(Optional.of("reg.example:5000"), "app"));
    assertEquals(Set.of("v1"), pins.tags(Optional.of("reg.example:5000"), "app"));
    assertEquals(Set.of(RUNNING), pins.digests(Optional.of("reg.example:5000"), "other"));
  }

  @Test
  void entriesThatNameNothingCoveredAreNamedAndOtherSpellingsOfTheHostStandOut() throws Exception {
    Pins pins =
        read(
            "reg.example:5000/app@"
                + GONE
                + "\nlocalhost:5000/app@"
                + RUNNING
                + "\nreg.example/app:v1\nprod.example.com/app:v1\napp:v1\nnginx:1.27"
                + "\nreg.example:5000/other:v1\nreg.example:5000/broken:v1\n");
    List<String> notes =
        pins.unmatched(Optional.of("reg.example:5000"), app(), List.of("app", "broken"));
    assertEquals(8, notes.size(), notes.toString());
    assertTrue(notes.get(0).contains("is not in app"), notes.toString());
    assertTrue(
        notes.get(1).contains("names app at localhost:5000, not reg.example:5000"),
        notes.toString());
    assertTrue(notes.get(2).contains("names app at reg.example, not"), notes.toString());
    assertTrue(notes.get(3).contains("names app at prod.example.com"), notes.toString());
    assertTrue(notes.get(4).contains("names app at docker.io"), notes.toString());
    assertTrue(
        notes.get(5).contains("names a repository this run does not cover"), notes.toString());
    assertTrue(notes.get(6).contains("is in broken, which could not be read"), notes.toString());
    assertTrue(
        notes.get(7).startsWith("1 --keep-digests entries name other registries"),
        notes.toString());
  }

  @Test
  void onlyAnotherSpellingOfTheRegistrysOwnHostCountsAsAMistake() throws Exception {
    Pins pins =
        read(
            "localhost:5000/app@"
                + RUNNING
                + "\n127.0.0.1/app:v1\nprod.example.com/app:v1\napp:v1\n127.0.0.1:5000/app:v1\n");
    List<String> misspelled = pins.likelyMisspelled("127.0.0.1:5000", List.of("app"));
    assertEquals(2, misspelled.size(), misspelled.toString());
    assertTrue(misspelled.get(0).startsWith("localhost:5000/app@"), misspelled.toString());
    assertTrue(misspelled.get(1).startsWith("127.0.0.1/app:v1"), misspelled.toString());
  }
}
