package dev.registryintegrity.bench;

import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.LatencyProxy;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.TestPki;
import dev.registryintegrity.model.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The benchmarks' image: 4 platforms x 10 layers with attestations in a real registry, reached
 * through a proxy that adds a 20 ms round trip. {@link #main} keeps it up for commands run from
 * outside (scripts/benchmark-verify's cold processes, scripts/benchmark-plugin's containers): it
 * prints {@code ready HOST:PORT/bench/app:v1} and serves until its standard input closes.
 */
public final class BenchImage implements AutoCloseable {
  static final Duration ONE_WAY = Duration.ofMillis(10);

  /** tag -> child manifests -> configs and layers */
  static final int DEPTH = 3;

  final RegistryFixture registry;
  final SeededImage image;
  final LatencyProxy proxy;

  private BenchImage(RegistryFixture registry, SeededImage image, LatencyProxy proxy) {
    this.registry = registry;
    this.image = image;
    this.proxy = proxy;
  }

  /** The field's case: the registry serves TLS (a private CA) and wants a password (htpasswd). */
  static final String USER = "bench";

  static final String PASSWORD = "bench-password";

  static BenchImage start() throws Exception {
    return start(RegistryFixture.create(), null);
  }

  /** The same image in a registry with TLS from {@code pki}'s CA and basic auth. */
  static BenchImage startTls(TestPki pki) throws Exception {
    return start(tls(pki), USER);
  }

  /** The same, the registry offering HTTP/1.1 only ({@code http.http2.disabled}). */
  static BenchImage startTlsWithoutHttp2(TestPki pki) throws Exception {
    return start(tls(pki).withoutHttp2(), USER);
  }

  private static RegistryFixture tls(TestPki pki) {
    return RegistryFixture.withHtpasswd(USER, PASSWORD)
        .withTls(pki.serverCert, pki.serverKey, TestPki.trustAll());
  }

  private static BenchImage start(RegistryFixture registry, String user) throws Exception {
    registry.start();
    ImageSpec spec =
        ImageSpec.multiPlatform()
            .platforms("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/s390x")
            .layers(10);
    SeededImage image =
        (user == null ? registry.seeder() : registry.seeder(user, PASSWORD))
            .pushImage("bench/app", spec, "v1");
    String[] hostPort = registry.host().split(":");
    return new BenchImage(
        registry, image, new LatencyProxy(hostPort[0], Integer.parseInt(hostPort[1]), ONE_WAY));
  }

  /** The image's reference through the proxy. */
  String reference() {
    return proxy.address() + "/bench/app:v1";
  }

  /**
   * The API paths of every digest the tag reaches, under /v2/REPOSITORY/: the tag's manifest, the
   * manifests below it and every config and layer, each once.
   */
  List<String> paths() {
    List<String> paths = new ArrayList<>(List.of("manifests/v1"));
    Set<Digest> manifests = image.manifestDigestsBelowTop();
    manifests.forEach(d -> paths.add("manifests/" + d));
    image.digestsOf("v1").stream()
        .filter(d -> !manifests.contains(d) && !d.equals(image.top("v1").digest()))
        .forEach(d -> paths.add("blobs/" + d));
    return paths;
  }

  int uniqueDigests() {
    return image.digestsOf("v1").size();
  }

  @Override
  public void close() throws Exception {
    proxy.close();
    registry.stop();
  }

  /**
   * Serves the bench image: {@code ready REF DIGESTS}. With {@code tls} (or {@code tls-http1}), the
   * registry of {@link #startTls} (or {@link #startTlsWithoutHttp2}) and {@code ready REF DIGESTS
   * CA-CERT USER PASSWORD}, for timing TLS runs by hand.
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "plain";
    boolean tls = !mode.equals("plain");
    TestPki pki = tls ? TestPki.create() : null;
    try (BenchImage bench =
        switch (mode) {
          case "tls" -> startTls(pki);
          case "tls-http1" -> startTlsWithoutHttp2(pki);
          case "plain" -> start();
          default ->
              throw new IllegalArgumentException(
                  "mode " + mode + ": give plain (the default), tls or tls-http1");
        }) {
      System.out.println(
          "ready "
              + bench.reference()
              + " "
              + bench.uniqueDigests()
              + (tls ? " " + pki.caCert + " " + USER + " " + PASSWORD : ""));
      System.out.flush();
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }
}
