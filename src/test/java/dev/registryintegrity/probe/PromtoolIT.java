package dev.registryintegrity.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    promtool("test", "rules", "alerts_test.yaml");
  }
}
