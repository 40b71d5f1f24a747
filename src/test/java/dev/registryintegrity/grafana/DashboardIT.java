package dev.registryintegrity.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.watch.WatchMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled Grafana dashboard against what the tool really exports: series from a real probe of a
 * real registry (one intact, one broken) and from the receiver's metrics after real verdicts; every
 * query must name only exported metrics, and Prometheus's promtool must evaluate each to a
 * non-empty result over those series.
 */
class DashboardIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static final Path DASHBOARD =
      Path.of("examples/grafana/registry-integrity-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("registry_manifest_integrity_[a-z_]+");
  private static final Pattern SERIES =
      Pattern.compile("(?m)^(registry_manifest_integrity_[a-z_]+)(\\{[^}]*})? (\\S+)$");

  @TempDir Path dir;

  @Test
  void everyPanelQueriesOnlyExportedMetricsAndEvaluatesToData() throws Exception {
    String exposition = exportedSeries();
    Set<String> exported = new TreeSet<>();
    Matcher type =
        Pattern.compile("(?m)^# TYPE (registry_manifest_integrity_[a-z_]+) (\\w+)$")
            .matcher(exposition);
    while (type.find()) {
      exported.add(type.group(1));
      if (type.group(2).equals("histogram")) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
          exported.add(type.group(1) + suffix);
        }
      }
    }
    Map<String, String> queries = queries();
    assertTrue(queries.size() >= 20, "queries read from the dashboard: " + queries.size());
    for (Map.Entry<String, String> q : queries.entrySet()) {
      Matcher m = METRIC.matcher(q.getValue());
      while (m.find()) {
        assertTrue(
            exported.contains(m.group()),
            q.getKey() + " names " + m.group() + ", which the tool does not export: " + exported);
      }
    }
    writeRuleTest(queries, exposition);
    Process p =
        new ProcessBuilder("promtool", "test", "rules", "dashboard_test.yaml")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("SUCCESS"), out);
  }

  /** A probe of each kind of registry and a receiver's verdicts, as /metrics would serve them. */
  private String exportedSeries() throws Exception {
    ImageSeeder seeder = REGISTRY.seeder();
    seeder.pushImage("good/app", ImageSpec.singlePlatform(), "v1");
    SeededImage bad = seeder.pushImage("bad/app", ImageSpec.multiPlatform(), "v1", "v2");
    REGISTRY.deleteLayerLink("bad/app", bad.child("linux/arm64").layers().get(0).digest());
    StringBuilder all = new StringBuilder();
    for (String[] run :
        List.of(
            new String[] {"intact-registry", "good/*"}, new String[] {"broken-registry", "*/*"})) {
      Path textfile = dir.resolve(run[0] + ".prom");
      Cli.Run probe =
          Cli.run(
              "probe",
              "--registry",
              REGISTRY.host(),
              "--include",
              run[1],
              "--instance",
              run[0],
              "--textfile",
              textfile.toString());
      assertEquals(run[0].startsWith("intact") ? 0 : 1, probe.exitCode(), probe.all());
      all.append(Files.readString(textfile));
    }
    WatchMetrics watch = new WatchMetrics("receiver");
    long now = System.currentTimeMillis() / 1000;
    watch.event("push");
    watch.verdict("bad/app", "v1", "failed", 1, 0, 4.2, now);
    watch.verdict("good/app", "v1", "intact", 0, 0, 1.3, now);
    watch.verdict("good/app", "v2", "unchecked", 0, 0, 0.7, now);
    watch.deferred();
    watch.retried();
    watch.skipped(1);
    watch.rejected("unauthorized");
    watch.answered("/events/harbor", 202);
    watch.answered("/events/forgejo", 401);
    watch.ignored(1);
    all.append(watch.render(0, now));
    return all.toString();
  }

  /** Each panel query, Grafana's variables given the values an "All" selection gives them. */
  private static Map<String, String> queries() throws Exception {
    JsonObject dashboard = JsonParser.parseString(Files.readString(DASHBOARD)).getAsJsonObject();
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
      JsonObject p = panel.getAsJsonObject();
      if (!p.has("targets")) {
        continue;
      }
      for (JsonElement target : p.getAsJsonArray("targets")) {
        JsonObject t = target.getAsJsonObject();
        queries.put(
            p.get("title").getAsString() + " / " + t.get("refId").getAsString(),
            t.get("expr")
                .getAsString()
                .replace("$__rate_interval", "5m")
                .replace("$instance", ".*"));
      }
    }
    return queries;
  }

  /**
   * Every query as an alert that fires when the query returns anything, over the exported series
   * held for 20 minutes (counters and histogram buckets growing, so rates have data).
   */
  private void writeRuleTest(Map<String, String> queries, String exposition) throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    StringBuilder cases = new StringBuilder();
    int n = 0;
    List<String> names = new ArrayList<>(queries.keySet());
    for (String name : names) {
      n++;
      rules
          .append("      - alert: Query")
          .append(n)
          .append("\n        expr: 'count(")
          .append(queries.get(name).replace("'", "''"))
          .append(") > 0'\n        annotations:\n          panel: '")
          .append(name.replace("'", "''"))
          .append("'\n");
      cases
          .append("      - eval_time: 15m\n        alertname: Query")
          .append(n)
          .append("\n        exp_alerts:\n          - exp_labels: {}\n            exp_annotations:")
          .append("\n              panel: '")
          .append(name.replace("'", "''"))
          .append("'\n");
    }
    Files.writeString(dir.resolve("dashboard_rules.yaml"), rules.toString());
    StringBuilder input = new StringBuilder();
    Matcher m = SERIES.matcher(exposition);
    while (m.find()) {
      String metric = m.group(1);
      String labels = m.group(2) == null ? "{}" : m.group(2);
      long value = (long) Double.parseDouble(m.group(3));
      boolean growing =
          metric.endsWith("_total")
              || metric.endsWith("_bucket")
              || metric.endsWith("_sum")
              || metric.endsWith("_count");
      // Timestamps are "now" in the series; the test's clock starts at 0, so time() - ts would
      // be negative: keep them, the panels only need data.
      input
          .append("      - series: '")
          .append(metric)
          .append(labels.replace("'", "''"))
          .append("'\n        values: '")
          .append(growing ? "0+" + Math.max(1, value) + "x20" : value + "x20")
          .append("'\n");
    }
    Files.writeString(
        dir.resolve("dashboard_test.yaml"),
        "rule_files:\n  - dashboard_rules.yaml\nevaluation_interval: 1m\ntests:\n"
            + "  - interval: 1m\n    input_series:\n"
            + input
            + "    alert_rule_test:\n"
            + cases);
  }
}
