package dev.registryintegrity.transport;

import static dev.registryintegrity.fixture.FaultProxy.matching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.BlobStore;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FaultProxy;
import dev.registryintegrity.fixture.ImageSeeder.Blob;
import dev.registryintegrity.fixture.ImageSeeder.Child;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real registry with htpasswd auth behind a proxy that misbehaves the way real registries, load
 * balancers and storage back ends do.
 */
class MisbehavingRegistryIT {
  private static final String USER = "ci";
  private static final String PASSWORD = "fault-Pr0xy-pass";

  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.withHtpasswd(USER, PASSWORD);

  private static FaultProxy proxy;
  private static BlobStore storage;
  private static SeededImage image;
  private static String ref;

  @BeforeAll
  static void start() throws Exception {
    image = REGISTRY.seeder().pushImage("team/app", ImageSpec.multiPlatform(), "v1");
    proxy = new FaultProxy(REGISTRY.baseUri());
    storage = new BlobStore();
    for (Child c : allChildren()) {
      List<Blob> blobs = new ArrayList<>(c.layers());
      blobs.add(c.config());
      for (Blob blob : blobs) {
        storage.put(
            blob.digest().toString(), Files.readAllBytes(REGISTRY.blobDataPath(blob.digest())));
      }
    }
    ref = proxy.host() + "/team/app:v1";
  }

  private static List<Child> allChildren() {
    List<Child> all = new ArrayList<>(image.children());
    all.addAll(image.attestations());
    return all;
  }

  @AfterAll
  static void stop() {
    proxy.close();
    storage.close();
  }

  @BeforeEach
  void reset() {
    proxy.reset();
    storage.reset();
  }

  private static Cli.Run verify(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("verify", "--format", "json", "--username", USER, "--password", PASSWORD));
    args.addAll(List.of(extra));
    args.add(ref);
    return Cli.run(args.toArray(String[]::new));
  }

  private static List<JsonObject> nodes(Cli.Run run) {
    List<JsonObject> nodes = new ArrayList<>();
    for (JsonElement n :
        run.json().getAsJsonArray("images").get(0).getAsJsonObject().getAsJsonArray("nodes")) {
      nodes.add(n.getAsJsonObject());
    }
    return nodes;
  }

  @Test
  void serviceUnavailableTwiceIsRetriedAndTheImageIsIntact() {
    proxy.answer(matching("GET", "/manifests/v1$"), 503, 2, null);
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
    // two 503s, the 401 that asks for credentials, the answer with them
    assertEquals(4, proxy.seen().stream().filter(s -> s.path().endsWith("/manifests/v1")).count());
  }

  @Test
  void tooManyRequestsWaitsAsLongAsRetryAfterSays() {
    proxy.answer(matching(null, "/blobs/"), 429, 1, "1");
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.json().get("durationMs").getAsLong() >= 1000, run.out());
  }

  @Test
  void persistentServerErrorCannotBeCheckedAndIsNeverReportedMissing() {
    String layer = image.child("linux/amd64").layers().get(1).digest().toString();
    proxy.answer(matching(null, layer), 503, 100, null);
    Cli.Run run = verify("--retries", "1");
    assertEquals(3, run.exitCode(), run.all());
    JsonObject node =
        nodes(run).stream()
            .filter(n -> n.get("digest").getAsString().equals(layer))
            .findFirst()
            .orElseThrow();
    assertEquals("unchecked", node.get("finding").getAsString());
    assertTrue(node.get("detail").getAsString().contains("kept answering 503"), node.toString());
    assertFalse(run.out().contains("\"missing\""), run.out());
  }

  @Test
  void droppedConnectionsAreRetried() {
    proxy.dropConnection(matching(null, "/blobs/"), 2);
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
  }

  @Test
  void blobRedirectToStorageIsFollowedWithoutTheAuthorizationHeader() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
    assertFalse(storage.seen().isEmpty());
    assertTrue(
        storage.seen().stream().allMatch(s -> s.authorization() == null),
        storage.seen().toString());
    assertTrue(
        proxy.seen().stream()
            .filter(s -> s.path().contains("/blobs/"))
            .allMatch(s -> s.authorization()));
  }

  @Test
  void headRefusedByStorageFallsBackToARangedGetAndSaysSo() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    storage.refuseHead(true);
    Cli.Run run = verify("--blob-check", "head");
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(
        storage.seen().stream()
            .anyMatch(s -> s.method().equals("GET") && "bytes=0-0".equals(s.range())));
    assertTrue(
        nodes(run).stream()
            .anyMatch(
                n ->
                    n.get("detail")
                        .getAsString()
                        .contains("HEAD answered 403; checked with a ranged GET")),
        run.out());
  }

  @Test
  void defaultCheckReadsTheFirstByteOfEveryBlobFromStorageWithoutCredentials() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
    assertEquals("read", run.json().get("check").getAsString());
    List<BlobStore.Seen> layers = storage.seen().stream().filter(s -> isLayer(s.path())).toList();
    assertFalse(layers.isEmpty());
    assertTrue(
        layers.stream().allMatch(s -> s.method().equals("GET") && "bytes=0-0".equals(s.range())),
        layers.toString());
    assertTrue(
        nodes(run).stream()
            .filter(n -> n.get("kind").getAsString().equals("layer"))
            .allMatch(n -> n.get("proof").getAsString().equals("served")),
        run.out());
    // Configs are small and a corrupt one breaks docker run: downloaded whole and hashed.
    assertTrue(
        nodes(run).stream()
            .filter(n -> n.get("kind").getAsString().equals("config"))
            .allMatch(n -> n.get("proof").getAsString().equals("hashed")),
        run.out());
  }

  @Test
  void storageThatIgnoresRangeIsReadForOneByteAndTheConnectionDropped() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    storage.ignoreRange(true);
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(
        nodes(run).stream()
            .anyMatch(n -> n.get("detail").getAsString().contains("Range ignored (200)")),
        run.out());
  }

  @Test
  void storageThatSendsHeadersButNoBytesIsDataMissingNotCouldNotCheck() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    storage.withholdBodies(true);
    Cli.Run run = verify();
    assertEquals(
        1,
        run.exitCode(),
        run.out().lines().filter(l -> l.contains("detail")).distinct().toList().toString());
    List<JsonObject> blobs =
        nodes(run).stream()
            .filter(n -> List.of("layer", "config").contains(n.get("kind").getAsString()))
            .toList();
    assertFalse(blobs.isEmpty());
    assertTrue(
        blobs.stream().allMatch(n -> n.get("finding").getAsString().equals("data-missing")),
        run.out());
    assertTrue(
        Cli.run("verify", "--username", USER, "--password", PASSWORD, ref)
            .out()
            .contains("the registry lists this blob but cannot serve its bytes"));
  }

  @Test
  void contentCheckThroughAStorageRedirectHashesEveryBlob() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    Cli.Run run = verify("--verify-content");
    assertEquals(0, run.exitCode(), run.all());
    assertEquals("content", run.json().get("check").getAsString());
    assertTrue(
        nodes(run).stream().allMatch(n -> n.get("proof").getAsString().equals("hashed")),
        run.out());
    assertTrue(
        storage.seen().stream()
            .filter(s -> isLayer(s.path()))
            .allMatch(s -> s.range() == null && s.authorization() == null));
  }

  @Test
  void contentCheckNamesALayerWhoseStoredBytesDoNotHashToItsDigest() {
    proxy.redirect(matching(null, "/blobs/"), storage.host());
    Blob layer = image.child("linux/arm64").layers().get(0);
    byte[] flipped = storage.bytes(layer.digest().toString());
    flipped[flipped.length - 1] ^= 1;
    storage.put(layer.digest().toString(), flipped);
    try {
      assertEquals(0, verify().exitCode(), "the default check reads one byte and cannot see this");
      Cli.Run run = verify("--verify-content");
      assertEquals(1, run.exitCode(), run.all());
      assertEquals(
          List.of(layer.digest().toString()),
          nodes(run).stream()
              .filter(n -> !n.get("finding").getAsString().equals("intact"))
              .map(n -> n.get("digest").getAsString())
              .toList());
      assertTrue(run.out().contains("digest-differs"), run.out());
    } finally {
      flipped[flipped.length - 1] ^= 1;
      storage.put(layer.digest().toString(), flipped);
    }
  }

  private static boolean isLayer(String path) {
    return image.children().stream()
        .flatMap(c -> c.layers().stream())
        .anyMatch(l -> path.endsWith(l.digest().toString()));
  }

  @Test
  void missingDockerContentDigestIsNotAFailureTheBodyIsVerifiedInstead() {
    proxy.dropHeader("Docker-Content-Digest");
    Cli.Run run = verify();
    assertEquals(0, run.exitCode(), run.all());
  }

  @Test
  void blobSizeNotReportedIsANoteNotAFailure() {
    proxy.dropHeader("Content-Length");
    Cli.Run run = verify("--blob-check", "head");
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(
        nodes(run).stream()
            .anyMatch(n -> n.get("detail").getAsString().contains("size not reported")),
        run.out());
  }

  @Test
  void anAnswerStalledPastTheReadTimeoutCannotBeCheckedAndNamesTheDigest() {
    String config = image.child("linux/arm64").config().digest().toString();
    proxy.stall(matching(null, config), Duration.ofSeconds(3));
    Cli.Run run = verify("--read-timeout", "1s", "--retries", "0");
    assertEquals(3, run.exitCode(), run.all());
    JsonObject node =
        nodes(run).stream()
            .filter(n -> n.get("digest").getAsString().equals(config))
            .findFirst()
            .orElseThrow();
    assertTrue(
        node.get("detail").getAsString().contains("did not answer in time"), node.toString());
  }

  @Test
  void theRunDeadlineStopsTheWalkAndReportsWhatWasNotChecked() {
    proxy.stall(matching("GET", "/manifests/sha256:"), Duration.ofMillis(1500));
    Cli.Run run = verify("--timeout", "1s");
    assertEquals(3, run.exitCode(), run.all());
    // Requests in flight at the deadline are aborted, not waited for: the run ends on time.
    assertTrue(
        nodes(run).stream()
            .anyMatch(
                n ->
                    n.get("detail")
                        .getAsString()
                        .contains("the run's deadline of 1 s passed while waiting for the answer")),
        run.out());
    assertTrue(run.json().get("durationMs").getAsLong() < 2000, run.out());
  }
}
