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

/**
 * examples/watch parses, its arguments are the receiver's own, and its pieces point at each other.
 */
class WatchExamplesTest {
  private static List<Map<String, Object>> documents(String file) throws Exception {
    return YamlDocuments.load(Path.of("examples/watch", file));
  }

  @Test
  void deploymentArgumentsParseAndTheTokenFileIsTheMountedSecret() throws Exception {
    List<Map<String, Object>> docs = documents("deployment.yaml");
    assertEquals(
        List.of("Secret", "Deployment", "PersistentVolumeClaim", "Service"),
        docs.stream().map(d -> d.get("kind")).toList());
    Map<String, Object> pod = at(docs.get(1), "spec", "template", "spec");
    List<String> args = at(pod, "containers", "0", "args");
    assertEquals("watch", args.get(0));
    CommandLine line =
        OptionParser.parse(
            new WatchCommand().options(),
            args.subList(1, args.size()).toArray(String[]::new),
            "watch");
    String tokenFile = line.getOptionValue("token-file");
    String mount = at(pod, "containers", "0", "volumeMounts", "0", "mountPath");
    assertEquals(mount + "/token", tokenFile);
    assertEquals("registry-integrity-hook", at(pod, "volumes", "0", "secret", "secretName"));
    assertTrue(((Map<String, Object>) at(docs.get(0), "stringData")).containsKey("token"));
    assertEquals(":9110", line.getOptionValue("listen"));
    assertEquals(9110, (int) at(docs.get(3), "spec", "ports", "0", "port"));
    assertEquals("/healthz", at(pod, "containers", "0", "readinessProbe", "httpGet", "path"));
  }

  @Test
  void theStateDirectoryIsOnTheClaimedVolumeAndTheDeploymentIsReplacedNotRolled() throws Exception {
    List<Map<String, Object>> docs = documents("deployment.yaml");
    Map<String, Object> pod = at(docs.get(1), "spec", "template", "spec");
    List<String> args = at(pod, "containers", "0", "args");
    CommandLine line =
        OptionParser.parse(
            new WatchCommand().options(),
            args.subList(1, args.size()).toArray(String[]::new),
            "watch");
    String stateDir = line.getOptionValue("state-dir");
    List<Map<String, Object>> mounts = at(pod, "containers", "0", "volumeMounts");
    String volume =
        mounts.stream()
            .filter(m -> stateDir.equals(m.get("mountPath")))
            .map(m -> (String) m.get("name"))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("--state-dir " + stateDir + " is not a mounted volume"));
    List<Map<String, Object>> volumes = at(pod, "volumes");
    Map<String, Object> state =
        volumes.stream().filter(v -> volume.equals(v.get("name"))).findFirst().orElseThrow();
    assertEquals(
        (String) at(docs.get(2), "metadata", "name"),
        (String) at(state, "persistentVolumeClaim", "claimName"));
    assertEquals("Recreate", (String) at(docs.get(1), "spec", "strategy", "type"));
    // The stop finishes the checks in flight (Receiver.STOP_GRACE, 20 s) before Kubernetes kills
    // it.
    assertTrue((int) pod.get("terminationGracePeriodSeconds") > 20);
  }

  /**
   * The probe's examples say how the registry credential secret is made; every pod that mounts it
   * must find its docker config under that key, at the path DOCKER_CONFIG names.
   */
  @Test
  void everyPodMountsTheRegistryCredentialUnderTheKeyTheProbeExampleCreates() throws Exception {
    java.util.regex.Matcher made =
        java.util.regex.Pattern.compile(
                "kubectl create secret generic (\\S+) --from-file=([^=\\s]+)=")
            .matcher(Files.readString(Path.of("examples/probe/cronjob.yaml")));
    assertTrue(made.find(), "examples/probe/cronjob.yaml says how the credential secret is made");
    String secret = made.group(1);
    String key = made.group(2);
    int checked = 0;
    for (Path file :
        List.of(
            Path.of("examples/probe/cronjob.yaml"),
            Path.of("examples/probe/indexed-job.yaml"),
            Path.of("examples/probe/deployment.yaml"),
            Path.of("examples/watch/deployment.yaml"))) {
      for (Map<String, Object> doc : YamlDocuments.load(file)) {
        Map<String, Object> pod = podOf(doc);
        if (pod == null) {
          continue;
        }
        List<Map<String, Object>> volumes = at(pod, "volumes");
        for (Map<String, Object> volume : volumes) {
          Map<String, Object> source = (Map<String, Object>) volume.get("secret");
          if (source == null || !secret.equals(source.get("secretName"))) {
            continue;
          }
          List<Map<String, Object>> items = (List<Map<String, Object>>) source.get("items");
          String fileName = items == null ? key : (String) items.get(0).get("path");
          if (items != null) {
            assertEquals(
                key,
                items.get(0).get("key"),
                file + ": the secret has no key " + items.get(0).get("key"));
          }
          assertEquals(
              "config.json", fileName, file + ": docker reads config.json under DOCKER_CONFIG");
          Map<String, Object> container = at(pod, "containers", "0");
          List<Map<String, Object>> mounts =
              (List<Map<String, Object>>) container.get("volumeMounts");
          String mountPath =
              mounts.stream()
                  .filter(m -> volume.get("name").equals(m.get("name")))
                  .map(m -> (String) m.get("mountPath"))
                  .findFirst()
                  .orElseThrow();
          List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
          assertTrue(
              env.stream()
                  .anyMatch(
                      e ->
                          "DOCKER_CONFIG".equals(e.get("name"))
                              && mountPath.equals(e.get("value"))),
              file + ": DOCKER_CONFIG must name " + mountPath);
          checked++;
        }
      }
    }
    assertEquals(4, checked, "each of the four pods mounts the credential");
  }

  /** A Deployment's or a (Cron)Job's pod spec, or null for other kinds. */
  private static Map<String, Object> podOf(Map<String, Object> doc) {
    return switch (String.valueOf(doc.get("kind"))) {
      case "Deployment", "Job" -> at(doc, "spec", "template", "spec");
      case "CronJob" -> at(doc, "spec", "jobTemplate", "spec", "template", "spec");
      default -> null;
    };
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
    CommandLine line =
        OptionParser.parse(
            new WatchCommand().options(),
            command.subList(1, command.size()).toArray(String[]::new),
            "watch");
    assertEquals("/run/secrets/hook-token", line.getOptionValue("token-file"));
    assertTrue(Files.exists(Path.of("examples/watch", "registry-full-config.yml")));
  }

  private static com.google.gson.JsonObject json(String file) throws Exception {
    return com.google.gson.JsonParser.parseString(Files.readString(Path.of("examples/watch", file)))
        .getAsJsonObject();
  }

  /**
   * The Forgejo/Gitea webhook (the body of {@code POST /api/v1/orgs/ORG/hooks}) sends package
   * events only, as JSON (the receiver takes no form-encoded body), signed, to the route that
   * checks the signature.
   */
  @Test
  void theForgejoWebhookSendsSignedJsonPackageEventsToItsRoute() throws Exception {
    com.google.gson.JsonObject hook = json("forgejo-webhook.json");
    assertTrue(List.of("forgejo", "gitea").contains(hook.get("type").getAsString()));
    assertEquals(
        List.of("package"),
        hook.getAsJsonArray("events").asList().stream()
            .map(com.google.gson.JsonElement::getAsString)
            .toList());
    com.google.gson.JsonObject config = hook.getAsJsonObject("config");
    assertEquals("json", config.get("content_type").getAsString());
    java.net.URI url = java.net.URI.create(config.get("url").getAsString());
    assertEquals("/events/forgejo", url.getPath());
    assertEquals(9110, url.getPort());
    assertTrue(config.get("secret").getAsString().matches("[\\x21-\\x7e]{16,}"));
  }

  /**
   * The Harbor policy (the body of {@code POST /api/v2.0/projects/PROJECT/webhook/policies}) sends
   * what the receiver acts on, in the Default format, with the same secret as its auth header.
   */
  @Test
  void theHarborPolicySendsPushAndDeleteInTheDefaultFormatWithTheSecret() throws Exception {
    com.google.gson.JsonObject policy = json("harbor-webhook-policy.json");
    assertEquals(
        List.of("PUSH_ARTIFACT", "DELETE_ARTIFACT"),
        policy.getAsJsonArray("event_types").asList().stream()
            .map(com.google.gson.JsonElement::getAsString)
            .toList());
    com.google.gson.JsonObject target = policy.getAsJsonArray("targets").get(0).getAsJsonObject();
    assertEquals("http", target.get("type").getAsString());
    assertEquals("Default", target.get("payload_format").getAsString());
    java.net.URI url = java.net.URI.create(target.get("address").getAsString());
    assertEquals("/events/harbor", url.getPath());
    assertEquals(9110, url.getPort());
    String secret =
        json("forgejo-webhook.json").getAsJsonObject("config").get("secret").getAsString();
    assertEquals("Bearer " + secret, target.get("auth_header").getAsString());
  }
}
