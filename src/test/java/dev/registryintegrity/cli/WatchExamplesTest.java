package dev.registryintegrity.cli;

import static dev.registryintegrity.fixture.YamlDocuments.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.YamlDocuments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.junit.jupiter.api.Test;

/** examples/watch parses, its arguments are the receiver's own, and its pieces point at each other. */
class WatchExamplesTest {
  private static List<Map<String, Object>> documents(String file) throws Exception {
    return YamlDocuments.load(Path.of("examples/watch", file));
  }

  @Test
  void deploymentArgumentsParseAndTheTokenFileIsTheMountedSecret() throws Exception {
    List<Map<String, Object>> docs = documents("deployment.yaml");
    assertEquals(List.of("Secret", "Deployment", "Service"), docs.stream().map(d -> d.get("kind")).toList());
    Map<String, Object> pod = at(docs.get(1), "spec", "template", "spec");
    List<String> args = at(pod, "containers", "0", "args");
    assertEquals("watch", args.get(0));
    CommandLine line = ConnectionOptions.parse(WatchCommand.options(), args.subList(1, args.size()).toArray(String[]::new), "watch");
    String tokenFile = line.getOptionValue("token-file");
    String mount = at(pod, "containers", "0", "volumeMounts", "0", "mountPath");
    assertEquals(mount + "/token", tokenFile);
    assertEquals("registry-integrity-hook", at(pod, "volumes", "0", "secret", "secretName"));
    assertTrue(((Map<String, Object>) at(docs.get(0), "stringData")).containsKey("token"));
    assertEquals(":9110", line.getOptionValue("listen"));
    assertEquals(9110, (int) at(docs.get(2), "spec", "ports", "0", "port"));
    assertEquals("/healthz", at(pod, "containers", "0", "readinessProbe", "httpGet", "path"));
  }

  @Test
  void registryConfigSendsEventsToTheServiceWithABearerHeader() throws Exception {
    for (String file : List.of("registry-config.yml", "registry-full-config.yml")) {
      Map<String, Object> endpoint = at(documents(file).get(0), "notifications", "endpoints", "0");
      assertEquals("http://registry-integrity:9110/events", endpoint.get("url"), file);
      List<String> auth = at(endpoint, "headers", "Authorization");
      assertTrue(auth.get(0).startsWith("Bearer "), file);
    }
  }

  @Test
  void composeRunsTheReceiverWithArgumentsItAccepts() throws Exception {
    Map<String, Object> compose = documents("compose.yaml").get(0);
    List<String> command = at(compose, "services", "registry-integrity", "command");
    assertEquals("watch", command.get(0));
    CommandLine line = ConnectionOptions.parse(WatchCommand.options(), command.subList(1, command.size()).toArray(String[]::new), "watch");
    assertEquals("/run/secrets/hook-token", line.getOptionValue("token-file"));
    assertTrue(Files.exists(Path.of("examples/watch", "registry-full-config.yml")));
  }
}
