package dev.registryintegrity.bench;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.LatencyProxy;
import dev.registryintegrity.fixture.RegistryFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The probe benchmark of docs/benchmarks.md: 50 repositories x 20 tags whose indexes share their
 * children, behind a proxy adding a 2 ms round trip; one probe run against one verify per tag, run
 * one after another. Run: scripts/benchmark-probe
 */
public final class ProbeBenchmark {
  private static final int REPOS = 50;
  private static final int TAGS = 20;

  private ProbeBenchmark() {}

  public static void main(String[] args) throws Exception {
    RegistryFixture registry = RegistryFixture.create();
    registry.start();
    try {
      ImageSeeder seeder = registry.seeder();
      String[] tags = new String[TAGS];
      for (int t = 0; t < TAGS; t++) {
        tags[t] = "build-" + t;
      }
      for (int r = 0; r < REPOS; r++) {
        seeder.pushImage("team/app-" + r, ImageSpec.multiPlatform().layers(3), tags);
      }
      String[] hostPort = registry.host().split(":");
      try (LatencyProxy proxy =
          new LatencyProxy(hostPort[0], Integer.parseInt(hostPort[1]), Duration.ofMillis(1))) {
        System.out.printf(
            Locale.ROOT,
            "registry: %d repositories x %d tags (2 platforms x 4 layers + attestations); RTT 2 ms (proxy)%n%n",
            REPOS,
            TAGS);
        long started = System.nanoTime();
        Cli.Run probe = Cli.run("probe", "--registry", proxy.address(), "--format", "json");
        long probeMillis = (System.nanoTime() - started) / 1_000_000;
        if (probe.exitCode() != 0) {
          throw new IllegalStateException(probe.all());
        }
        long probeRequests = probe.json().getAsJsonObject("summary").get("requests").getAsLong();

        started = System.nanoTime();
        long verifyRequests = 0;
        List<String> failures = new ArrayList<>();
        for (int r = 0; r < REPOS; r++) {
          for (String tag : tags) {
            Cli.Run run =
                Cli.run(
                    "verify", "--format", "json", proxy.address() + "/team/app-" + r + ":" + tag);
            if (run.exitCode() != 0) {
              failures.add(run.all());
            }
            verifyRequests += run.json().getAsJsonObject("summary").get("requests").getAsLong();
          }
        }
        long verifyMillis = (System.nanoTime() - started) / 1_000_000;
        if (!failures.isEmpty()) {
          throw new IllegalStateException(failures.get(0));
        }
        System.out.printf(Locale.ROOT, "%-34s %10s %10s%n", "mode", "requests", "wall");
        System.out.printf(
            Locale.ROOT,
            "%-34s %10d %8.1f s%n",
            "probe (one run)",
            probeRequests,
            probeMillis / 1000.0);
        System.out.printf(
            Locale.ROOT,
            "%-34s %10d %8.1f s%n",
            "verify per tag, one after another",
            verifyRequests,
            verifyMillis / 1000.0);
        System.out.printf(
            Locale.ROOT,
            "%nprobe / verify-per-tag: requests %.2f, wall %.2f%n",
            probeRequests / (double) verifyRequests,
            probeMillis / (double) verifyMillis);
      }
    } finally {
      registry.stop();
    }
  }
}
