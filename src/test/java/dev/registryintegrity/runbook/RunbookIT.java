package dev.registryintegrity.runbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/runbook/registry-rebuild-image.md, executed: the incident replayed on a real registry (a
 * tagged index whose children garbage collection deleted), then every {@code # runbook:} block in
 * order, in bash, with the runbook's variables filled in. Each block's exit code is the one its
 * marker promises, and what the page says a command prints is in its output.
 */
class RunbookIT {
  private static final Path RUNBOOK = Path.of("examples/runbook/registry-rebuild-image.md");
  private static final String REPO = "infra-ci";
  private static final String TAG = "latest";

  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  @TempDir Path work;

  /** One fenced sh block with a "# runbook: ID [expect=N] [environment|syntax-only]" first line. */
  record Block(String id, int expect, String kind, String script) {}

  /** What the page says each command prints, checked against what it printed. */
  private static final Map<String, String> PRINTS =
      Map.of(
          "verify-failing-tag", "MISSING manifest",
          "probe-whole-registry", REPO + ":" + TAG,
          "fsck-storage", "REVISION_LINK_MISSING",
          "repair-plan", "would create",
          "repair", "created ",
          "verify-after-repair", "MISSING config",
          "verify-rebuilt", "INTACT: 1 image",
          "probe-repository", "registry_manifest_integrity_failures{",
          "retention-preview", "nothing is deleted; give --apply to delete");

  static List<Block> blocks() throws Exception {
    Matcher m = Pattern.compile("(?ms)^```sh\\n(.*?)^```").matcher(Files.readString(RUNBOOK));
    Pattern marker = Pattern.compile("# runbook: ([a-z0-9-]+)((?: [a-z-]+(?:=\\d+)?)*)");
    List<Block> blocks = new ArrayList<>();
    while (m.find()) {
      String script = m.group(1);
      Matcher head = marker.matcher(script.lines().findFirst().orElse(""));
      assertTrue(head.matches(), "every sh block starts with a '# runbook: ID' marker: " + script);
      int expect = 0;
      String kind = "run";
      for (String attribute : head.group(2).trim().split(" ")) {
        if (attribute.startsWith("expect=")) {
          expect = Integer.parseInt(attribute.substring("expect=".length()));
        } else if (attribute.equals("environment") || attribute.equals("syntax-only")) {
          kind = attribute;
        } else if (!attribute.isEmpty()) {
          fail("unknown marker attribute '" + attribute + "' in " + head.group());
        }
      }
      blocks.add(new Block(head.group(1), expect, kind, script));
    }
    return blocks;
  }

  private record Result(int exitCode, String output) {}

  private Result bash(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Path log = Files.createTempFile(work, "block", ".log");
    Process p = builder.redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "block finished within 5 minutes");
    return new Result(p.exitValue(), Files.readString(log));
  }

  /** The same image under two tags; the older tag deleted; GC with --delete-untagged. */
  private void replayTheIncident() throws Exception {
    var image = REGISTRY.seeder().pushImage(REPO, ImageSpec.multiPlatform(), "previous", TAG);
    REGISTRY.seeder().pushImage("tools/other", ImageSpec.singlePlatform(), "v1");
    REGISTRY.loseIndexChildren(REPO, "previous", image);
  }

  /** What the operator's build checkout would be: ci/Dockerfile that builds without RUN. */
  private Path buildContext() throws Exception {
    Path context = Files.createDirectories(work.resolve("infra/ci"));
    Files.writeString(
        context.resolve("Dockerfile"), "FROM scratch\nCOPY ci/hello.txt /hello.txt\n");
    Files.writeString(context.resolve("hello.txt"), "rebuilt after the incident\n");
    return context.getParent();
  }

  /** podman may push over plain HTTP to this test registry only. */
  private Path registriesConf() throws Exception {
    Path conf = work.resolve("registries.conf");
    Files.writeString(
        conf, "[[registry]]\nlocation = \"" + REGISTRY.host() + "\"\ninsecure = true\n");
    return conf;
  }

  @AfterEach
  void removeTheLocalManifestList() throws Exception {
    new ProcessBuilder("podman", "manifest", "rm", "localhost/" + REPO + ":rebuild")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor(60, TimeUnit.SECONDS);
  }

  @Test
  void theRunbookTakesTheReplayedIncidentBackToIntact() throws Exception {
    replayTheIncident();
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("REGISTRY", REGISTRY.host());
    variables.put("REPO", REPO);
    variables.put("TAG", TAG);
    variables.put("STORAGE", REGISTRY.storageDirectory().toString());
    variables.put("REGISTRY_CONFIG", REGISTRY.configFile().toString());
    variables.put("BUILD_CONTEXT", buildContext().toString());
    // Only the heal block names these, and it is checked for syntax: heal has its own tests.
    variables.put("MIRROR", "mirror.invalid:5000");
    variables.put("BACKUP", work.resolve("backup").toString());
    Map<String, String> env = new LinkedHashMap<>(variables);
    env.put("PATH", Path.of("bin").toAbsolutePath() + ":" + System.getenv("PATH"));
    env.put("REGISTRY_INTEGRITY_START_CACHE", "off");
    env.put("CONTAINERS_REGISTRIES_CONF", registriesConf().toString());

    List<Block> blocks = blocks();
    Set<String> ids = new HashSet<>();
    List<String> ran = new ArrayList<>();
    for (Block block : blocks) {
      assertTrue(ids.add(block.id()), "block ids are unique: " + block.id());
      Path script = Files.writeString(work.resolve(block.id() + ".sh"), block.script());
      Result syntax = bash(Map.of(), "-n", script.toString());
      assertEquals(0, syntax.exitCode(), block.id() + " is valid bash: " + syntax.output());
      if (block.id().equals("variables")) {
        assertEquals(
            variables.keySet(),
            assignedNames(block.script()),
            "the variables the runbook asks for are the ones filled in");
        continue;
      }
      switch (block.kind()) {
        case "syntax-only" -> ran.add(block.id() + " (syntax)");
        case "environment" -> {
          standIn(block.id());
          ran.add(block.id() + " (the test's own)");
        }
        default -> {
          Result result = bash(env, "-o", "pipefail", script.toString());
          assertEquals(
              block.expect(),
              result.exitCode(),
              block.id() + " exits " + block.expect() + ":\n" + result.output());
          Optional.ofNullable(PRINTS.get(block.id()))
              .ifPresent(
                  text ->
                      assertTrue(
                          result.output().contains(text),
                          block.id() + " prints '" + text + "':\n" + result.output()));
          if (block.id().equals("probe-repository")) {
            assertTrue(
                Pattern.compile("(?m)^registry_manifest_integrity_failures\\{[^}]*} 0$")
                    .matcher(result.output())
                    .find(),
                result.output());
          }
          ran.add(block.id());
        }
      }
    }
    // The phases, in order, all present.
    assertEquals(
        List.of(
            "verify-failing-tag",
            "probe-whole-registry",
            "fsck-storage",
            "repair-plan",
            "repair",
            "restart-registry (the test's own)",
            "verify-after-repair",
            "heal-first (syntax)",
            "trigger-manual-cli (syntax)",
            "trigger-manual-api (syntax)",
            "rebuild-on-host",
            "verify-rebuilt",
            "probe-repository",
            "alerts-clear (syntax)",
            "retention-preview"),
        ran);
    assertTrue(
        PRINTS.keySet().stream().allMatch(ran::contains), "every promised output was checked");
  }

  @Test
  void everyMarkedBlockIsValidBashAndTheWoodpeckerPipelineItNamesAcceptsManual() throws Exception {
    for (Block block : blocks()) {
      Path script = Files.writeString(work.resolve(block.id() + ".sh"), block.script());
      assertEquals(0, bash(Map.of(), "-n", script.toString()).exitCode(), block.id());
    }
    String pipeline = Files.readString(Path.of("examples/woodpecker/build-ci-image.yaml"));
    assertTrue(
        pipeline.contains("event: manual"),
        "the rebuild pipeline the runbook triggers runs on manual");
  }

  private void standIn(String id) throws Exception {
    if (id.equals("restart-registry")) {
      REGISTRY.restart();
      return;
    }
    fail("the runbook has an environment block '" + id + "' the test has no stand-in for");
  }

  private static Set<String> assignedNames(String script) {
    Set<String> names = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^([A-Z_]+)=").matcher(script);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
