package dev.registryintegrity.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The Kubernetes material in examples/probe parses and says what the README promises. */
class ProbeExamplesTest {
  private static List<Map<String, Object>> documents(String file) throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(Files.readString(Path.of("examples/probe", file)))) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) doc;
      docs.add(map);
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      current = key.matches("\\d+") ? ((List<Object>) current).get(Integer.parseInt(key)) : ((Map<String, Object>) current).get(key);
    }
    return (T) current;
  }

  @Test
  void cronJobRunsEveryFifteenMinutesNeverTwiceAtOnceWithSecretCredentials() throws Exception {
    Map<String, Object> job = documents("cronjob.yaml").get(0);
    assertEquals("CronJob", job.get("kind"));
    assertEquals("*/15 * * * *", at(job, "spec", "schedule"));
    assertEquals("Forbid", at(job, "spec", "concurrencyPolicy"));
    Map<String, Object> container = at(job, "spec", "jobTemplate", "spec", "template", "spec", "containers", "0");
    List<String> args = at(container, "args");
    assertEquals("probe", args.get(0));
    assertTrue(args.stream().anyMatch(a -> a.startsWith("--pushgateway=")));
    assertTrue(((Map<String, Object>) at(container, "resources")).containsKey("requests"));
    assertEquals("registry-probe-auth", at(job, "spec", "jobTemplate", "spec", "template", "spec", "volumes", "0", "secret", "secretName"));
  }

  @Test
  void indexedJobShardsByCompletionIndex() throws Exception {
    Map<String, Object> job = documents("indexed-job.yaml").get(0);
    assertEquals("Indexed", at(job, "spec", "jobTemplate", "spec", "completionMode"));
    List<String> args = at(job, "spec", "jobTemplate", "spec", "template", "spec", "containers", "0", "args");
    assertTrue(args.contains("--shard=$(JOB_COMPLETION_INDEX)/4"), args.toString());
  }

  @Test
  void serverDeploymentIsScrapedAndProbedForHealth() throws Exception {
    List<Map<String, Object>> docs = documents("deployment.yaml");
    assertEquals(List.of("Deployment", "Service", "ServiceMonitor"), docs.stream().map(d -> d.get("kind")).toList());
    Map<String, Object> deployment = docs.get(0);
    assertEquals("true", at(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/scrape"));
    List<String> args = at(deployment, "spec", "template", "spec", "containers", "0", "args");
    assertTrue(args.contains("--listen=:9100") && args.contains("--interval=15m"), args.toString());
    assertEquals("/healthz", at(deployment, "spec", "template", "spec", "containers", "0", "livenessProbe", "httpGet", "path"));
  }
}
