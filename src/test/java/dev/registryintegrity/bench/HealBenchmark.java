package dev.registryintegrity.bench;

import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The heal benchmark of docs/benchmarks.md: a 50-platform index with 1 GiB of layers (one 20 MiB
 * layer and a config per platform) in two real registries; in one, the incident (the other tag's
 * directory removed, the real {@code garbage-collect --delete-untagged}) takes every child
 * manifest, config and layer; then {@code heal --from} the other, each run a new process (the jar),
 * timed with GNU time. Each run replays the incident as {@link RegistryFixture#loseIndexChildren}
 * does on the registry version at hand (on v3, whose collector keeps an index's children, they are
 * deleted by digest first). Run: scripts/benchmark-heal [RUNS], with {@code
 * REGISTRY_IMPLEMENTATION=3} for v3.
 */
public final class HealBenchmark {
  private static final int PLATFORMS = 50;
  private static final int LAYER_BYTES = 20 << 20;
  private static final String REPO = "bench/heal";

  private HealBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    RegistryFixture broken = RegistryFixture.create();
    RegistryFixture mirror = RegistryFixture.create();
    broken.start();
    mirror.start();
    try {
      Seeded seeded = seed(broken.seeder());
      seed(mirror.seeder());
      mirror.seeder().pushManifest(REPO, "keep", MediaTypes.OCI_INDEX, seeded.index());
      broken.seeder().pushManifest(REPO, "keep", MediaTypes.OCI_INDEX, seeded.index());
      System.out.printf(
          Locale.ROOT,
          "image: %d platforms, %d MiB of layers (one %d MiB layer each); mirror and broken registry"
              + " are %s processes on loopback%n%n",
          PLATFORMS,
          (long) PLATFORMS * LAYER_BYTES >> 20,
          LAYER_BYTES >> 20,
          broken.implementation());
      System.out.printf(
          Locale.ROOT,
          "%-10s %6s %9s %9s %9s %10s%n",
          "run",
          "exit",
          "wall s",
          "user s",
          "sys s",
          "max RSS MiB");
      String image = broken.host() + "/" + REPO + ":keep";
      String from = "docker://" + mirror.host() + "/" + REPO;
      for (int i = 0; i < runs; i++) {
        broken.seeder().pushManifest(REPO, "latest", MediaTypes.OCI_INDEX, seeded.index());
        broken.loseIndexChildren(REPO, "latest", seeded.children());
        row("dry run", List.of("heal", "--dry-run", image, "--from", from));
        row("heal", List.of("heal", image, "--from", from));
      }
    } finally {
      broken.stop();
      mirror.stop();
    }
  }

  /** The index's bytes and the digests of the platform manifests it names. */
  private record Seeded(byte[] index, List<Digest> children) {}

  /** Pushes the platforms' configs, layers and manifests by digest. */
  private static Seeded seed(ImageSeeder seeder) throws Exception {
    Random random = new Random(42);
    List<Digest> children = new ArrayList<>();
    StringBuilder manifests = new StringBuilder();
    for (int p = 0; p < PLATFORMS; p++) {
      byte[] layer = new byte[LAYER_BYTES];
      random.nextBytes(layer);
      ImageSeeder.Blob l = seeder.pushBlob(REPO, layer, ImageSeeder.OCI_LAYER);
      String arch = "bench" + p;
      byte[] config =
          ("{\"architecture\":\""
                  + arch
                  + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
              .getBytes(StandardCharsets.UTF_8);
      ImageSeeder.Blob c =
          seeder.pushBlob(REPO, config, "application/vnd.oci.image.config.v1+json");
      byte[] manifest =
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                  + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                  + c.digest()
                  + "\",\"size\":"
                  + c.size()
                  + "},\"layers\":[{\"mediaType\":\""
                  + ImageSeeder.OCI_LAYER
                  + "\",\"digest\":\""
                  + l.digest()
                  + "\",\"size\":"
                  + l.size()
                  + "}]}")
              .getBytes(StandardCharsets.UTF_8);
      ImageSeeder.Blob m =
          seeder.pushManifest(REPO, null, "application/vnd.oci.image.manifest.v1+json", manifest);
      children.add(m.digest());
      manifests
          .append(p == 0 ? "" : ",")
          .append("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"")
          .append(m.digest())
          .append("\",\"size\":")
          .append(m.size())
          .append(",\"platform\":{\"os\":\"linux\",\"architecture\":\"")
          .append(arch)
          .append("\"}}");
    }
    byte[] index =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"manifests\":["
                + manifests
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    return new Seeded(index, List.copyOf(children));
  }

  private static void row(String name, List<String> args) throws Exception {
    Path timing = Files.createTempFile("heal-bench-", ".time");
    List<String> command =
        new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timing.toString()));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(Path.of("target", "registry-integrity.jar").toString());
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(name + " did not finish in 600 s");
    }
    String[] t = Files.readString(timing).trim().split("\\s+");
    Files.delete(timing);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(name + " exited " + p.exitValue() + ":\n" + output);
    }
    // The command's own last line shows the break was there to heal (the plan's count, or what
    // was put back), so a run that found nothing to do cannot pass for a fast one.
    String said = output.strip().lines().reduce((first, second) -> second).orElse("");
    System.out.printf(
        Locale.ROOT,
        "%-10s %6d %9s %9s %9s %10d  %s%n",
        name,
        p.exitValue(),
        t[0],
        t[1],
        t[2],
        Long.parseLong(t[3]) / 1024,
        said);
  }
}
