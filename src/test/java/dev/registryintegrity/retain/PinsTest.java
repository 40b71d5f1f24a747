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
  void aDigestOrReferenceIsKeptInTheRepositoryItNamesWhateverTheHost() throws Exception {
    Pins pins =
        read(
            "# running pods\n"
                + RUNNING
                + "\nreg.example:5000/app@"
                + GONE
                + "\n\nalias.internal/app:v1\nreg.example:5000/other:v2\nnginx:1.27\n");
    assertEquals(Set.of(RUNNING, GONE), pins.digests("app"));
    assertEquals(Set.of("v1"), pins.tags("app"));
    assertEquals(Set.of(RUNNING), pins.digests("other"));
    assertEquals(Set.of("1.27"), pins.tags("nginx"), "Docker Hub's library/ left out");
  }

  @Test
  void entriesFoundNowhereAreNamedAndLinesOnOtherHostsCounted() throws Exception {
    Pins pins =
        read(
            "reg.example:5000/app@"
                + GONE
                + "\nlocalhost:5000/app@"
                + RUNNING
                + "\nprod.example.com/app:v1\nreg.example:5000/other:v1\nreg.example:5000/broken:v1"
                + "\nquay.io/elsewhere/tool:v1\n");
    List<String> notes =
        pins.unmatched(Optional.of("reg.example:5000"), app(), List.of("app", "broken"));
    assertEquals(5, notes.size(), notes.toString());
    assertTrue(notes.get(0).contains("is not in app"), notes.toString());
    assertTrue(
        notes.get(1).contains("names a repository this run does not cover"), notes.toString());
    assertTrue(notes.get(2).contains("is in broken, which could not be read"), notes.toString());
    assertTrue(
        notes.get(3).startsWith("2 lines name another host than reg.example:5000 and were kept"),
        notes.toString());
    assertTrue(notes.get(4).startsWith("1 lines name other hosts' repositories"), notes.toString());
  }
}
