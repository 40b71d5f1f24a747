package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive for hosts without containers (target/registry-integrity-VERSION.tar.gz), as a user
 * unpacks it: into an empty directory, far from the checkout, run with a JDK 21+ found the way the
 * launcher finds one, its start-up cache made by the first run against a registry and used by the
 * next.
 */
class DistributionArchiveIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @TempDir Path home;

  private record Run(int exitCode, String out) {}

  private Run run(Path command, Map<String, String> env, String... args) throws Exception {
    List<String> line = new ArrayList<>(List.of(command.toString()));
    line.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(line).directory(home.toFile());
    builder.environment().remove("REGISTRY_INTEGRITY_JAR");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("REGISTRY_INTEGRITY_CACHE", home.resolve("cache").toString());
    builder.environment().putAll(env);
    Path out = Files.createTempFile(home, "out", "");
    Process p = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "it finished");
    return new Run(p.exitValue(), Files.readString(out));
  }

  private Path unpacked() throws Exception {
    Path archive = Path.of(System.getProperty("project.archive", "")).toAbsolutePath();
    assertTrue(Files.isRegularFile(archive), "mvn package builds " + archive);
    Path into = Files.createDirectories(home.resolve("opt"));
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(tar.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes()));
    try (Stream<Path> top = Files.list(into)) {
      List<Path> dirs = top.toList();
      assertEquals(1, dirs.size(), "one top directory: " + dirs);
      return dirs.get(0);
    }
  }

  @Test
  void unpackedIntoAnEmptyDirectoryItRunsAndStartsFromItsOwnCache() throws Exception {
    Path root = unpacked();
    for (String file :
        List.of("bin/registry-integrity", "lib/registry-integrity.jar", "LICENSE", "README.md")) {
      assertTrue(Files.isRegularFile(root.resolve(file)), file + " in " + root);
    }
    assertTrue(Files.isExecutable(root.resolve("bin/registry-integrity")));
    Path command = root.resolve("bin/registry-integrity");

    Run version = run(command, Map.of(), "version");
    assertEquals(0, version.exitCode(), version.out());
    assertTrue(
        version
            .out()
            .strip()
            .matches(
                "registry-integrity \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?( \\(commit [0-9a-f]{12}(, modified)?\\))?"),
        version.out());

    String repo = REGISTRY.uniqueRepo("archive");
    REGISTRY.seeder().pushImage(repo, ImageSpec.multiPlatform(), "v1");
    String ref = REGISTRY.host() + "/" + repo + ":v1";
    Run first = run(command, Map.of(), "verify", "--brief", ref);
    assertEquals(0, first.exitCode(), first.out());
    Path cache = home.resolve("cache");
    Instant deadline = Instant.now().plusSeconds(30);
    while (aotFiles(cache).isEmpty()) {
      assertTrue(Instant.now().isBefore(deadline), "no start-up cache in " + cache + " after 30 s");
      Thread.sleep(100);
    }
    Run second =
        run(command, Map.of("REGISTRY_INTEGRITY_LAUNCHER_DEBUG", "1"), "verify", "--brief", ref);
    assertEquals(0, second.exitCode(), second.out());
    assertTrue(second.out().contains("-XX:AOTCache=" + aotFiles(cache).get(0)), second.out());
    assertTrue(
        second.out().contains("-jar " + root.resolve("lib/registry-integrity.jar").toRealPath()),
        "the archive's own jar, not the checkout's: " + second.out());
  }

  private static List<Path> aotFiles(Path cache) throws Exception {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
    }
  }
}
