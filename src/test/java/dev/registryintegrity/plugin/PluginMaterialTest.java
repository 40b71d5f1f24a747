package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The plugin's documentation and example pipelines are part of the product: they must be right. */
class PluginMaterialTest {
  private static final Path DOCS = Path.of("plugin/docs.md");

  private static List<Path> pipelines() throws Exception {
    try (Stream<Path> a = Files.list(Path.of("examples/woodpecker"));
        Stream<Path> b = Files.list(Path.of(".woodpecker"))) {
      return Stream.concat(a, b).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyShippedPipelineIsYamlWithSteps() throws Exception {
    List<Path> files = pipelines();
    assertTrue(files.size() >= 7, files.toString());
    for (Path file : files) {
      Map<?, ?> pipeline =
          assertInstanceOf(Map.class, new Yaml().load(Files.readString(file)), file.toString());
      assertInstanceOf(List.class, pipeline.get("steps"), file + " has no steps list");
    }
  }

  @Test
  void pluginStepsInExamplesUseOnlyKnownSettings() throws Exception {
    int pluginSteps = 0;
    for (Path file : pipelines()) {
      Map<?, ?> pipeline = new Yaml().load(Files.readString(file));
      for (Object step : (List<?>) pipeline.get("steps")) {
        Map<?, ?> s = (Map<?, ?>) step;
        if (String.valueOf(s.get("image")).matches(".*/registry-integrity:\\S+")
            && s.containsKey("settings")) {
          pluginSteps++;
          assertFalse(
              s.containsKey("commands") || s.containsKey("environment"),
              file + ": a step with commands or environment is not a plugin step");
          for (Object key : ((Map<?, ?>) s.get("settings")).keySet()) {
            assertTrue(
                Stream.of(Setting.values())
                    .anyMatch(x -> x.variables().contains(Setting.variable((String) key))),
                file + " uses unknown setting " + key);
          }
        }
      }
    }
    // An example that stopped naming our image would make this pass by checking nothing.
    assertTrue(pluginSteps >= 5, pluginSteps + " plugin steps found in the examples");
  }

  @Test
  void pluginPageHasTheIndexFrontMatterAndDocumentsEverySetting() throws Exception {
    String page = Files.readString(DOCS);
    assertTrue(page.startsWith("---\n"));
    String front = page.substring(4, page.indexOf("\n---\n", 4));
    Map<?, ?> meta = new Yaml().load(front);
    for (String field :
        List.of(
            "name",
            "description",
            "author",
            "tags",
            "icon",
            "url",
            "containerImage",
            "containerImageUrl")) {
      assertTrue(meta.containsKey(field), "front matter lacks " + field);
    }
    assertInstanceOf(List.class, meta.get("tags"));
    for (Setting setting : Setting.values()) {
      assertTrue(
          page.contains("| `" + setting.key() + "` |"),
          "docs.md does not document " + setting.key());
    }
  }

  @Test
  void pluginReferenceDocumentsEverySettingToo() throws Exception {
    String page = Files.readString(Path.of("docs/plugin.md"));
    long documented =
        Stream.of(Setting.values()).filter(s -> page.contains("| `" + s.key() + "` |")).count();
    assertEquals(Setting.values().length, documented);
  }

  @Test
  void bothSettingsPagesKeepEverySettingBetweenTheGeneratedMarkers() throws Exception {
    for (Path file : List.of(DOCS, Path.of("docs/plugin.md"))) {
      String page = Files.readString(file);
      String begin = "<!-- BEGIN GENERATED SETTINGS -->\n";
      String end = "<!-- END GENERATED SETTINGS -->\n";
      int from = page.indexOf(begin);
      int to = page.indexOf(end);
      assertTrue(from >= 0 && to > from, file + " lacks the generated-settings markers");
      assertEquals(from, page.lastIndexOf(begin), file + ": one settings span");
      assertEquals(to, page.lastIndexOf(end), file + ": one settings span");
      String span = page.substring(from, to);
      String outside = page.substring(0, from) + page.substring(to);
      for (Setting setting : Setting.values()) {
        String row = "| `" + setting.key() + "` |";
        assertTrue(span.contains(row), file + ": " + setting.key() + " is not in the span");
        assertFalse(outside.contains(row), file + ": a second table lists " + setting.key());
      }
    }
  }

  @Test
  void theReadmesFirstScreenHoldsTheTwoSetUpCommandsAndTheWoodpeckerStep() throws Exception {
    List<String> first = Files.readAllLines(Path.of("README.md")).subList(0, 45);
    String screen = String.join("\n", first);
    assertTrue(screen.contains("`scripts/run-example`"), screen);
    assertTrue(screen.contains("`scripts/test`"), screen);
    assertTrue(screen.contains("image: registry.example.com/tools/registry-integrity:1"), screen);
    List<String> docs =
        List.of(
            "docs/architecture.md",
            "docs/plugin-image.md",
            "CHANGELOG.md",
            "CONTRIBUTING.md",
            "docs/verify.md",
            "docs/probe.md",
            "docs/watch.md",
            "docs/fsck.md",
            "docs/refs.md",
            "docs/heal.md",
            "docs/gc-check.md",
            "docs/plugin.md",
            "docs/checks-and-reports.md",
            "docs/auth-and-tls.md",
            "docs/install.md",
            "docs/monitoring.md",
            "docs/webhooks.md",
            "docs/retention.md",
            "docs/runbook.md",
            "docs/tests.md",
            "docs/benchmarks.md");
    String readme = Files.readString(Path.of("README.md"));
    for (String doc : docs) {
      assertTrue(Files.exists(Path.of(doc)), doc);
      assertTrue(readme.contains("](" + doc + ")"), "README.md does not link " + doc);
    }
  }
}
