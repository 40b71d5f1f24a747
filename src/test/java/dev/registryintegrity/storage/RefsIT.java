package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The keep-set against a real registry: exactly what it holds for the image. */
class RefsIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @Test
  void refsIsExactlyWhatTheRegistryHoldsForTheImage() throws Exception {
    SeededImage image =
        REGISTRY.seeder().pushImage("refs/app", ImageSpec.multiPlatform().layers(3), "v1");
    Set<String> expected = Reports.strings(image.digestsOf("v1"));
    Cli.Run http = Cli.run("refs", REGISTRY.host() + "/refs/app:v1");
    assertEquals(0, http.exitCode(), http.all());
    assertEquals(expected, new HashSet<>(http.out().lines().toList()));
    Cli.Run disk =
        Cli.run(
            "refs",
            "--storage",
            REGISTRY.storageDirectory().toString(),
            "--repo",
            "refs/app",
            "--tags",
            "v1");
    assertEquals(0, disk.exitCode(), disk.all());
    assertEquals(expected, new HashSet<>(disk.out().lines().toList()));
    // What the registry holds for the repository is exactly that: its revision and layer links.
    StorageLayout layout =
        StorageLayout.open(REGISTRY.storageDirectory().toString(), java.util.Map.of());
    Set<String> held = new HashSet<>();
    layout.revisions("refs/app").forEach(d -> held.add(d.toString()));
    layout.layers("refs/app").forEach(d -> held.add(d.toString()));
    assertEquals(held, expected);
  }
}
