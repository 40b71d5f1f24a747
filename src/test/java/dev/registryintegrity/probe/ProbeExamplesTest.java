package dev.registryintegrity.probe;

import static dev.registryintegrity.fixture.YamlDocuments.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.YamlDocuments;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kubernetes material in examples/probe parses and says what docs/probe.md promises. */
class ProbeExamplesTest {
  private static List<Map<String, Object>> documents(String file) throws Exception {
    return YamlDocuments.load(Path.of("examples/probe", file));
  }

  @Test
  void cronJobRunsEveryFifteenMinutesNeverTwiceAtOnceWithSecretCredentials() throws Exception {
    Map<String, Object> job = documents("cronjob.yaml").get(0);
    assertEquals("CronJob", job.get("kind"));
    assertEquals("*/15 * * * *", at(job, "spec", "schedule"));
    assertEquals("Forbid", at(job, "spec", "concurrencyPolicy"));
    Map<String, Object> container =
        at(job, "spec", "jobTemplate", "spec", "template", "spec", "containers", "0");
    List<String> args = at(container, "args");
    assertEquals("probe", args.get(0));
    assertTrue(args.stream().anyMatch(a -> a.startsWith("--pushgateway=")));
    assertTrue(((Map<String, Object>) at(container, "resources")).containsKey("requests"));
    assertEquals(
        "registry-probe-auth",
        at(
            job,
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "volumes",
            "0",
            "secret",
            "secretName"));
  }

  @Test
  void indexedJobShardsByCompletionIndex() throws Exception {
    Map<String, Object> job = documents("indexed-job.yaml").get(0);
    assertEquals("Indexed", at(job, "spec", "jobTemplate", "spec", "completionMode"));
    List<String> args =
        at(job, "spec", "jobTemplate", "spec", "template", "spec", "containers", "0", "args");
    assertTrue(args.contains("--shard=$(JOB_COMPLETION_INDEX)/4"), args.toString());
  }

  @Test
  void serverDeploymentIsScrapedAndProbedForHealth() throws Exception {
    List<Map<String, Object>> docs = documents("deployment.yaml");
    assertEquals(
        List.of("Deployment", "Service", "ServiceMonitor"),
        docs.stream().map(d -> d.get("kind")).toList());
    Map<String, Object> deployment = docs.get(0);
    assertEquals(
        "true",
        at(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/scrape"));
    List<String> args = at(deployment, "spec", "template", "spec", "containers", "0", "args");
    assertTrue(args.contains("--listen=:9100") && args.contains("--interval=15m"), args.toString());
    assertEquals(
        "/healthz",
        at(
            deployment,
            "spec",
            "template",
            "spec",
            "containers",
            "0",
            "livenessProbe",
            "httpGet",
            "path"));
  }
}
