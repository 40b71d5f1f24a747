package dev.registryintegrity.bench;

import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.LatencyProxy;
import dev.registryintegrity.fixture.ReferrerSeeder;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.verify.Cli;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The verify benchmark from the README: an image of 4 platforms x 10 layers with attestations,
 * a real registry behind a proxy adding a 20 ms round trip, and verify run at several
 * concurrencies. Prints requests vs the minimum and wall time vs depth x RTT.
 * Run: scripts/benchmark-verify
 */
public final class VerifyBenchmark {
  private static final Duration ONE_WAY = Duration.ofMillis(10);
  private static final int RUNS = 5;

  private VerifyBenchmark() {}

  public static void main(String[] args) throws Exception {
    RegistryFixture registry = RegistryFixture.create();
    registry.start();
    try {
      ImageSeeder seeder = registry.seeder();
      ImageSpec spec = ImageSpec.multiPlatform().platforms("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x").layers(10);
      SeededImage image = seeder.pushImage("bench/app", spec, "v1");
      int unique = image.digestsOf("v1").size();
      // A tag's GET is the root's fetch, so the minimum is one request per unique node.
      int depth = 3; // tag -> child manifests -> configs and layers
      String[] hostPort = registry.host().split(":");
      try (LatencyProxy proxy = new LatencyProxy(hostPort[0], Integer.parseInt(hostPort[1]), ONE_WAY)) {
        String ref = proxy.address() + "/bench/app:v1";
        long rtt = ONE_WAY.toMillis() * 2;
        System.out.printf(Locale.ROOT, "image: 4 platforms x 10 layers + attestations = %d unique digests; graph depth %d; RTT %d ms (proxy)%n",
            unique, depth, rtt);
        System.out.printf(Locale.ROOT, "minimum requests: %d; depth x RTT: %d ms; runs per row: %d (median wall time)%n%n", unique, depth * rtt, RUNS);
        System.out.printf(Locale.ROOT, "%-22s %9s %14s %16s%n", "mode", "requests", "wall (median)", "wall / (depth x RTT)");
        for (int concurrency : new int[] {1, 8, 32, 64}) {
          List<Long> walls = new ArrayList<>();
          int requests = 0;
          for (int i = 0; i < RUNS + 1; i++) {
            Cli.Run run = Cli.run("verify", "--format", "json", "--concurrency", String.valueOf(concurrency), ref);
            if (run.exitCode() != 0) {
              throw new IllegalStateException("verify failed: " + run.all());
            }
            JsonObject json = run.json();
            requests = json.getAsJsonObject("summary").get("requests").getAsInt();
            if (i > 0) {
              walls.add(json.get("durationMs").getAsLong());
            }
          }
          Collections.sort(walls);
          long median = walls.get(walls.size() / 2);
          String mode = concurrency == 1 ? "sequential (c=1)" : "concurrent (c=" + concurrency + ")";
          System.out.printf(Locale.ROOT, "%-22s %9d %11d ms %16.1f%n", mode, requests, median, median / (double) (depth * rtt));
        }
        ReferrerSeeder attach = new ReferrerSeeder(seeder);
        attach.signWithCosignTag("bench/app", image.top("v1"));
        attach.attach("bench/app", image.top("v1"), "application/spdx+json", "application/spdx+json", "{\"spdxVersion\":\"SPDX-2.3\"}");
        System.out.printf(Locale.ROOT, "%nreferrers (a cosign tag-scheme signature and an OCI 1.1 SBOM attached) at the default concurrency%n");
        System.out.printf(Locale.ROOT, "%-22s %9s %14s%n", "mode", "requests", "wall (median)");
        for (String[] mode : new String[][] {{"without --referrers"}, {"--referrers", "--referrers"}}) {
          List<Long> walls = new ArrayList<>();
          int requests = 0;
          for (int i = 0; i < RUNS + 1; i++) {
            List<String> command = new ArrayList<>(List.of("verify", "--format", "json"));
            command.addAll(List.of(mode).subList(1, mode.length));
            command.add(ref);
            Cli.Run run = Cli.run(command.toArray(String[]::new));
            if (run.exitCode() != 0) {
              throw new IllegalStateException("verify failed: " + run.all());
            }
            requests = run.json().getAsJsonObject("summary").get("requests").getAsInt();
            if (i > 0) {
              walls.add(run.json().get("durationMs").getAsLong());
            }
          }
          Collections.sort(walls);
          System.out.printf(Locale.ROOT, "%-22s %9d %11d ms%n", mode[0], requests, walls.get(walls.size() / 2));
        }
        System.out.printf(Locale.ROOT, "%nblob check at the default concurrency (blobs: %d bytes in all)%n", image.blobBytes("v1"));
        System.out.printf(Locale.ROOT, "%-10s %9s %16s %14s%n", "check", "requests", "bytes received", "wall (median)");
        for (String check : new String[] {"head", "read", "content"}) {
          List<Long> walls = new ArrayList<>();
          int requests = 0;
          long bytes = 0;
          for (int i = 0; i < RUNS + 1; i++) {
            long before = proxy.bytesFromRegistry();
            Cli.Run run = Cli.run("verify", "--format", "json", "--blob-check", check, ref);
            if (run.exitCode() != 0) {
              throw new IllegalStateException("verify failed: " + run.all());
            }
            bytes = proxy.bytesFromRegistry() - before;
            requests = run.json().getAsJsonObject("summary").get("requests").getAsInt();
            if (i > 0) {
              walls.add(run.json().get("durationMs").getAsLong());
            }
          }
          Collections.sort(walls);
          System.out.printf(Locale.ROOT, "%-10s %9d %16d %11d ms%n", check, requests, bytes, walls.get(walls.size() / 2));
        }
      }
    } finally {
      registry.stop();
    }
  }
}
