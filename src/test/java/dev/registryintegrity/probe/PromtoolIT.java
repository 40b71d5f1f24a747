package dev.registryintegrity.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped alert rules, judged by Prometheus's own promtool (Debian package prometheus). */
class PromtoolIT {
  private static String promtool(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(Path.of("examples/probe").toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void alertRulesAreValid() throws Exception {
    promtool("check", "rules", "alerts.yaml");
  }

  @Test
  void alertRulesFireWhenTheyShould() throws Exception {
    String out = promtool("test", "rules", "alerts_test.yaml");
    assertTrue(out.contains("SUCCESS"), out);
    // A rule without a case would pass here untested: every alert is expected to fire somewhere.
    String rules = Files.readString(Path.of("examples/probe/alerts.yaml"));
    String cases = Files.readString(Path.of("examples/probe/alerts_test.yaml"));
    Matcher alert = Pattern.compile("- alert: (\\w+)").matcher(rules);
    int alerts = 0;
    while (alert.find()) {
      alerts++;
      assertTrue(
          Pattern.compile("alertname: " + alert.group(1) + "\\s+exp_alerts:\\s+- exp_labels:")
              .matcher(cases)
              .find(),
          alert.group(1) + " has no case in alerts_test.yaml that expects it to fire");
    }
    assertTrue(alerts >= 7, "alerts read from alerts.yaml: " + alerts);
  }
}
