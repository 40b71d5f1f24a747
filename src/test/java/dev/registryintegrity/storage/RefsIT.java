package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The keep-set, and a retention script built on it, against a real registry and its collector. */
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
    StorageLayout layout = StorageLayout.at(REGISTRY.storageDirectory());
    Set<String> held = new HashSet<>();
    layout.revisions("refs/app").forEach(d -> held.add(d.toString()));
    layout.layers("refs/app").forEach(d -> held.add(d.toString()));
    assertEquals(held, expected);
  }

  @Test
  void retentionThatKeepsRefsOfTheNewestTagsLeavesThemVerifiableAfterTheRealCollector()
      throws Exception {
    ImageSeeder seeder = REGISTRY.seeder();
    List<SeededImage> versions = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      versions.add(
          seeder.pushImage(
              "retained/app", ImageSpec.multiPlatform().seed(100 + i), "release-" + i));
      Thread.sleep(20);
    }
    ProcessBuilder script =
        new ProcessBuilder(
                "bash",
                "examples/retention/keep-newest.sh",
                REGISTRY.storageDirectory().toString(),
                REGISTRY.configFile().toString(),
                "retained/app",
                "2")
            .redirectErrorStream(true);
    // The jar Maven just built, run by the JDK running this test.
    script
        .environment()
        .put(
            "REGISTRY_INTEGRITY",
            Path.of(System.getProperty("java.home"), "bin", "java")
                + " -jar "
                + System.getProperty("project.jar", "target/registry-integrity.jar"));
    Process p = script.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("keep: release-4 release-3"), out);
    REGISTRY.restart();
    for (String kept : List.of("release-3", "release-4")) {
      Cli.Run run = Cli.run("verify", REGISTRY.host() + "/retained/app:" + kept);
      assertEquals(0, run.exitCode(), kept + "\n" + run.all());
    }
    assertEquals(1, Cli.run("verify", REGISTRY.host() + "/retained/app:release-1").exitCode());
    // The dropped versions' own bytes are reclaimed.
    for (Digest d : versions.get(0).digestsOf("release-1")) {
      assertFalse(Files.exists(REGISTRY.blobDataPath(d)), d + " was not reclaimed");
    }
  }
}
