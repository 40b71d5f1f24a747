package dev.registryintegrity.cli;

import static dev.registryintegrity.fixture.YamlDocuments.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.YamlDocuments;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.junit.jupiter.api.Test;

/**
 * The retention examples run the command they show: their arguments are retain's options, and what
 * one container writes is what the other reads.
 */
class RetainExamplesTest {
  private static CommandLine parse(List<String> args) throws Exception {
    assertEquals("retain", args.get(0), args.toString());
    Command retain = Main.find("retain").orElseThrow();
    return new DefaultParser()
        .parse(retain.options(), args.subList(1, args.size()).toArray(String[]::new));
  }

  @Test
  void theCronJobKeepsWhatThePodsOfTheClusterUse() throws Exception {
    List<Map<String, Object>> docs = YamlDocuments.load(Path.of("examples/retention/cronjob.yaml"));
    assertEquals(
        List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "CronJob"),
        docs.stream().map(d -> d.get("kind")).toList());
    Map<String, Object> job = docs.get(3);
    assertEquals("Forbid", at(job, "spec", "concurrencyPolicy"));
    Map<String, Object> pod = at(job, "spec", "jobTemplate", "spec", "template", "spec");
    assertEquals(at(docs.get(0), "metadata", "name"), pod.get("serviceAccountName"));
    List<String> command = at(pod, "initContainers", "0", "command");
    String listing = String.join(" ", command);
    assertTrue(listing.contains("> /work/in-use.txt"), listing);
    CommandLine line = parse(at(pod, "containers", "0", "args"));
    assertEquals("/work/in-use.txt", line.getOptionValue("keep-digests"));
    assertTrue(line.hasOption("apply") && line.hasOption("registry"));
  }

  @Test
  void theWoodpeckerCronPipelineRunsRetainThroughTheImagesEntrypoint() throws Exception {
    Map<String, Object> pipeline =
        YamlDocuments.load(Path.of("examples/retention/woodpecker-cron.yaml")).get(0);
    assertEquals("cron", at(pipeline, "when", "0", "event"));
    List<String> entrypoint = at(pipeline, "steps", "0", "entrypoint");
    int main = entrypoint.indexOf(Main.class.getName());
    assertTrue(main > 0, entrypoint.toString());
    CommandLine line = parse(entrypoint.subList(main + 1, entrypoint.size()));
    assertTrue(line.hasOption("apply") && line.hasOption("keep-newest"));
    assertTrue(
        ((Map<?, ?>) at(pipeline, "steps", "0", "environment")).containsKey("DOCKER_AUTH_CONFIG"));
  }
}
