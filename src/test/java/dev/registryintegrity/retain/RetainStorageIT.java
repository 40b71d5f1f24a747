package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention on a registry's storage directory, with the registry stopped as its collector needs,
 * and the shipped script that runs retain, then gc-check, then the collector.
 */
class RetainStorageIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @Test
  void onStorageTheTagOnAKeptManifestGoesAloneOnEitherVersion() throws Exception {
    RetainScenario f = RetainScenario.seed(REGISTRY, "retain/disk");
    Map<String, Digest> tagsBefore = RegistryState.tags(REGISTRY, f.repository());
    Cli.Run apply = f.applyOnStorageThenCollect(REGISTRY);
    assertEquals(
        f.keptTags(),
        new TreeSet<>(RegistryState.tags(REGISTRY, f.repository()).keySet()),
        apply.out());
    assertEquals(
        tagsBefore.get("stable"), RegistryState.tags(REGISTRY, f.repository()).get("stable"));
    f.assertKeptVerify(REGISTRY, List.of("v5", "v6", "stable"));
    f.assertDroppedCollected(REGISTRY);
  }

  @Test
  void theExampleScriptRetainsThenGatesThenCollectsWithoutDeleteUntagged() throws Exception {
    RetainScenario f = RetainScenario.seed(REGISTRY, "retain/script");
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                "examples/retention/retain-and-collect.sh",
                REGISTRY.storageDirectory().toString(),
                REGISTRY.configFile().toString(),
                REGISTRY.implementation().version().substring(0, 1)));
    command.addAll(
        List.of(
            "--keep-newest",
            "2",
            "--keep-tag",
            "^stable$",
            "--keep-digests",
            f.inUse().toString(),
            f.repository()));
    ProcessBuilder script = new ProcessBuilder(command).redirectErrorStream(true);
    // The jar Maven just built, run by the JDK running this test; the registry's own binary.
    script
        .environment()
        .put(
            "REGISTRY_INTEGRITY",
            Path.of(System.getProperty("java.home"), "bin", "java")
                + " -jar "
                + System.getProperty("project.jar", "target/registry-integrity.jar"));
    script
        .environment()
        .put(
            "REGISTRY_BIN",
            RegistryFixture.processBinary(REGISTRY.implementation()).orElseThrow().toString());
    REGISTRY.stopRegistry();
    String out;
    int exit;
    try {
      Process p = script.start();
      out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      exit = p.waitFor();
    } finally {
      REGISTRY.startRegistry();
    }
    assertEquals(0, exit, out);
    assertTrue(out.contains("done: restart the registry"), out);
    f.assertKeptVerify(REGISTRY, List.of("v5", "v6", "stable"));
    f.assertDroppedCollected(REGISTRY);
  }
}
