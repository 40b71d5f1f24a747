package dev.registryintegrity.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.source.BlobCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WalkerTest {
  private final MemorySource source = new MemorySource();

  private String manifestJson(
      Digest config, long configSize, List<Digest> layers, List<Long> sizes) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < layers.size(); i++) {
      l.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
          .append(layers.get(i))
          .append("\",\"size\":")
          .append(sizes.get(i))
          .append('}');
    }
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG
        + "\",\"digest\":\""
        + config
        + "\",\"size\":"
        + configSize
        + "},\"layers\":["
        + l
        + "]}";
  }

  private String child(Digest digest, int size, String platform) {
    String[] p = platform.split("/");
    return "{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + ",\"platform\":{\"os\":\""
        + p[0]
        + "\",\"architecture\":\""
        + p[1]
        + "\"}}";
  }

  private String index(List<String> children) {
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_INDEX
        + "\",\"manifests\":["
        + String.join(",", children)
        + "]}";
  }

  private record Built(Digest index, List<Digest> children, Digest sharedLayer) {}

  private Built twoPlatformImage(String tag) {
    Digest shared = source.putBlob("shared layer");
    List<String> children = new ArrayList<>();
    List<Digest> childDigests = new ArrayList<>();
    for (String platform : List.of("linux/amd64", "linux/arm64")) {
      Digest config = source.putBlob("config " + platform);
      Digest own = source.putBlob("layer " + platform);
      String json =
          manifestJson(
              config,
              ("config " + platform).length(),
              List.of(shared, own),
              List.of((long) "shared layer".length(), (long) ("layer " + platform).length()));
      Digest m = source.putManifest(null, MediaTypes.OCI_MANIFEST, json);
      childDigests.add(m);
      children.add(child(m, json.length(), platform));
    }
    Digest idx = source.putManifest(tag, MediaTypes.OCI_INDEX, index(children));
    return new Built(idx, childDigests, shared);
  }

  private ImageResult walk(String tag) {
    try (Walker walker = new Walker(source, WalkLimits.defaults(), WalkPolicy.defaults())) {
      return walker.walk("img:" + tag, "img", ManifestRef.tag(tag), Expectations.none());
    }
  }

  private static List<Node> unique(ImageResult r) {
    List<Node> nodes = new ArrayList<>();
    Graphs.forEachUnique(r.root(), (n, p) -> nodes.add(n));
    return nodes;
  }

  @Test
  void intactImageReportsEveryDigestOnceAndSharedBlobsAreAskedAboutOnce() {
    Built built = twoPlatformImage("v1");
    ImageResult r = walk("v1");
    assertEquals(Verdict.OK, r.verdict());
    // index + 2 manifests + 2 configs + 2 own layers + 1 shared layer
    assertEquals(8, unique(r).size());
    assertEquals(1, source.callsFor(built.sharedLayer()));
  }

  @Test
  void missingChildManifestIsReportedWithItsKindAndPlatform() {
    Built built = twoPlatformImage("v1");
    source.manifests.remove(built.children().get(1).toString());
    ImageResult r = walk("v1");
    assertEquals(Verdict.FAIL, r.verdict());
    Node missing =
        unique(r).stream()
            .filter(n -> n.finding() instanceof Finding.Missing)
            .findFirst()
            .orElseThrow();
    assertEquals(Kind.MANIFEST, missing.kind());
    assertEquals(Optional.of("linux/arm64"), missing.platform());
    assertEquals("404 MANIFEST_UNKNOWN", missing.status());
  }

  @Test
  void missingTagIsATagNodeThatFails() {
    ImageResult r = walk("nope");
    assertEquals(Kind.TAG, r.root().kind());
    assertInstanceOf(Finding.Missing.class, r.root().finding());
  }

  @Test
  void blobWhoseStoredSizeDiffersFromItsDescriptorIsItsOwnFailureKind() {
    Built built = twoPlatformImage("v1");
    source.blobSizes.put(built.sharedLayer().toString(), 3L);
    ImageResult r = walk("v1");
    Finding.SizeDiffers f =
        unique(r).stream()
            .map(Node::finding)
            .filter(Finding.SizeDiffers.class::isInstance)
            .map(Finding.SizeDiffers.class::cast)
            .findFirst()
            .orElseThrow();
    assertEquals("shared layer".length(), f.declared());
    assertEquals(3, f.actual());
  }

  @Test
  void manifestBodyThatDoesNotMatchItsDigestIsAnIntegrityFailureAndNotWalked() {
    Built built = twoPlatformImage("v1");
    String key = built.children().get(0).toString();
    byte[] body = source.manifests.get(key).clone();
    body[body.length - 2] = ' ';
    source.manifests.put(key, body);
    ImageResult r = walk("v1");
    Node child = r.root().children().get(0);
    assertInstanceOf(Finding.DigestDiffers.class, child.finding());
    assertTrue(child.children().isEmpty());
  }

  @Test
  void nestingDeeperThanTheLimitIsReportedNotFollowed() {
    Digest leaf =
        source.putManifest(
            null,
            MediaTypes.OCI_MANIFEST,
            manifestJson(source.putBlob("c"), 1, List.of(), List.of()));
    Digest current = leaf;
    int size = source.manifests.get(leaf.toString()).length;
    String type = MediaTypes.OCI_MANIFEST;
    for (int i = 0; i < 12; i++) {
      String json =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_INDEX
              + "\",\"manifests\":[{\"mediaType\":\""
              + type
              + "\",\"digest\":\""
              + current
              + "\",\"size\":"
              + size
              + "}]}";
      current = source.putManifest(i == 11 ? "deep" : null, MediaTypes.OCI_INDEX, json);
      size = json.length();
      type = MediaTypes.OCI_INDEX;
    }
    ImageResult r = walk("deep");
    assertEquals(Verdict.FAIL, r.verdict());
    assertTrue(
        unique(r).stream()
            .anyMatch(
                n ->
                    n.finding() instanceof Finding.LimitExceeded l
                        && l.reason().contains("deeper")));
  }

  @Test
  void indexWithTooManyEntriesIsReportedInsteadOfWalked() {
    Digest m =
        source.putManifest(
            null,
            MediaTypes.OCI_MANIFEST,
            manifestJson(source.putBlob("c"), 1, List.of(), List.of()));
    String entry = child(m, source.manifests.get(m.toString()).length, "linux/amd64");
    String json = index(java.util.Collections.nCopies(10_001, entry));
    source.putManifest("wide", MediaTypes.OCI_INDEX, json);
    ImageResult r = walk("wide");
    assertInstanceOf(Finding.LimitExceeded.class, r.root().finding());
    assertTrue(r.root().children().isEmpty());
    assertEquals(0, source.callsFor(m));
  }

  @Test
  void manifestOverTheSizeLimitIsNeverReadWhole() {
    source.putManifest(
        "huge", MediaTypes.OCI_INDEX, "{\"x\":\"" + "a".repeat(5 * 1024 * 1024) + "\"}");
    ImageResult r = walk("huge");
    assertInstanceOf(Finding.LimitExceeded.class, r.root().finding());
  }

  @Test
  void missingPlatformAndMovedTagAreImageLevelFailures() {
    Built built = twoPlatformImage("v1");
    Digest other = Digest.sha256Of(new byte[] {1});
    try (Walker walker = new Walker(source, WalkLimits.defaults(), WalkPolicy.defaults())) {
      ImageResult r =
          walker.walk(
              "img:v1",
              "img",
              ManifestRef.tag("v1"),
              new Expectations(
                  Optional.of(other),
                  List.of(Platform.parse("linux/amd64"), Platform.parse("linux/s390x"))));
      List<String> codes =
          r.imageFindings().stream().map(Finding::code).collect(Collectors.toList());
      assertEquals(List.of("tag-moved", "platform-missing"), codes);
      assertEquals(built.index(), r.root().digest().orElseThrow());
    }
  }

  @Test
  void twoTagsSharingChildrenFetchEachChildOnce() {
    Built a = twoPlatformImage("a");
    String indexJson =
        new String(source.manifests.get("a"), java.nio.charset.StandardCharsets.UTF_8);
    source.putManifest(
        "b",
        MediaTypes.OCI_INDEX,
        indexJson.replace(
            "\"schemaVersion\":2", "\"schemaVersion\":2,\"annotations\":{\"x\":\"y\"}"));
    try (Walker walker = new Walker(source, WalkLimits.defaults(), WalkPolicy.defaults())) {
      walker.walk("img:a", "img", ManifestRef.tag("a"), Expectations.none());
      walker.walk("img:b", "img", ManifestRef.tag("b"), Expectations.none());
    }
    assertEquals(1, source.callsFor(a.children().get(0)));
    assertEquals(1, source.callsFor(a.sharedLayer()));
  }

  @Test
  void everyRequestRunsOnAPlatformThread() {
    // On a virtual thread, socket I/O starts the JDK's poller, and its thread in native code
    // makes every exit of the JVM wait 300 ms: a cold command would pay that on every run.
    twoPlatformImage("v1");
    assertEquals(Verdict.OK, walk("v1").verdict());
    assertTrue(source.requestCount() > 5, "the walk asked the source");
    assertEquals(0, source.onVirtualThreads.get(), "requests asked from virtual threads");
  }

  private Digest imageWithLayer(String tag, String layerDescriptor, String subject) {
    Digest config = source.putBlob("config");
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + MediaTypes.OCI_CONFIG
            + "\",\"digest\":\""
            + config
            + "\",\"size\":6},\"layers\":["
            + layerDescriptor
            + "]"
            + (subject == null
                ? ""
                : ",\"subject\":{\"mediaType\":\""
                    + MediaTypes.OCI_MANIFEST
                    + "\",\"digest\":\""
                    + subject
                    + "\",\"size\":100}")
            + "}";
    return source.putManifest(tag, MediaTypes.OCI_MANIFEST, json);
  }

  private ImageResult walk(String tag, WalkPolicy policy) {
    try (Walker walker = new Walker(source, WalkLimits.defaults(), policy)) {
      return walker.walk("img:" + tag, "img", ManifestRef.tag(tag), Expectations.none());
    }
  }

  @Test
  void aForeignLayerTheSourceDoesNotHoldIsExternalAndTheImagePasses() {
    Digest foreign =
        Digest.sha256Of("windows base".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    imageWithLayer(
        "win",
        "{\"mediaType\":\""
            + MediaTypes.DOCKER_FOREIGN_LAYER
            + "\",\"digest\":\""
            + foreign
            + "\",\"size\":12,\"urls\":[\"https://example.invalid/base\"]}",
        null);
    ImageResult r = walk("win");
    assertEquals(Verdict.OK, r.verdict());
    Node layer = unique(r).stream().filter(n -> n.kind() == Kind.LAYER).findFirst().orElseThrow();
    Finding.External external = assertInstanceOf(Finding.External.class, layer.finding());
    assertEquals("https://example.invalid/base", external.url());
    // The source's own answer about it stays visible: the registry said 404.
    assertTrue(layer.status().startsWith("404"), layer.status());
  }

  @Test
  void anOrdinaryLayerWithUrlsThatTheSourceLacksIsExternalButOneWithoutIsMissing() {
    Digest withUrl = Digest.sha256Of("u".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    imageWithLayer(
        "urls",
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
            + withUrl
            + "\",\"size\":1,\"urls\":[\"https://example.invalid/u\"]}",
        null);
    assertEquals(Verdict.OK, walk("urls").verdict());
    Digest plain = Digest.sha256Of("p".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    imageWithLayer(
        "plain",
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
            + plain
            + "\",\"size\":1}",
        null);
    assertEquals(Verdict.FAIL, walk("plain").verdict());
  }

  @Test
  void checkingAnExternalLayerAsksTheSourceForItsUrlAndAnUnservedUrlFails() {
    Digest foreign = Digest.sha256Of("gone".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    imageWithLayer(
        "win",
        "{\"mediaType\":\""
            + MediaTypes.DOCKER_FOREIGN_LAYER
            + "\",\"digest\":\""
            + foreign
            + "\",\"size\":4,\"urls\":[\"https://example.invalid/gone\"]}",
        null);
    // A source that cannot fetch URLs says so: could not check, never intact.
    assertEquals(
        Verdict.UNKNOWN,
        walk("win", WalkPolicy.of(BlobCheck.READ, WalkPolicy.Option.CHECK_EXTERNAL)).verdict());
  }

  @Test
  void aReferrerWhoseSubjectIsGoneIsAWarningAndStrictMakesItAFailure() {
    Digest layer = source.putBlob("signature payload");
    Digest gone =
        Digest.sha256Of("deleted image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    imageWithLayer(
        "sig",
        "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
            + layer
            + "\",\"size\":17}",
        gone.toString());
    ImageResult r = walk("sig");
    assertEquals(Verdict.WARN, r.verdict());
    assertEquals(dev.registryintegrity.ExitCode.INTACT, Verdict.exitCode(r.verdicts()));
    Node subject =
        unique(r).stream().filter(n -> n.kind() == Kind.SUBJECT).findFirst().orElseThrow();
    assertEquals(new Finding.OrphanedReferrer(gone, false), subject.finding());
    assertEquals(
        Verdict.FAIL,
        walk("sig", WalkPolicy.of(BlobCheck.READ, WalkPolicy.Option.STRICT)).verdict());
  }

  @Test
  void aCosignTagWhoseImageIsGoneIsAWarningAndOneWhoseImageIsThereIsIntact() {
    Digest layer = source.putBlob("signature payload");
    String sig =
        "{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\",\"digest\":\""
            + layer
            + "\",\"size\":17}";
    Digest gone =
        Digest.sha256Of("deleted image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    imageWithLayer("sha256-" + gone.hex() + ".sig", sig, null);
    assertEquals(Verdict.WARN, walk("sha256-" + gone.hex() + ".sig").verdict());
    Built live = twoPlatformImage("v1");
    imageWithLayer("sha256-" + live.index().hex() + ".sig", sig, null);
    assertEquals(Verdict.OK, walk("sha256-" + live.index().hex() + ".sig").verdict());
  }

  @Test
  void aBlobSharedByRepositoriesHasItsBytesReadOnceAndItsLinkCheckedInEach() {
    Digest shared = source.putBlob("shared base layer");
    String layer = layerDescriptor(shared);
    imageWithLayer("a", layer, null);
    try (Walker walker = new Walker(source, WalkLimits.defaults(), WalkPolicy.defaults())) {
      for (String repo : List.of("one", "two", "three")) {
        ImageResult r = walker.walk(repo + ":a", repo, ManifestRef.tag("a"), Expectations.none());
        assertEquals(Verdict.OK, r.verdict());
        Node node =
            unique(r).stream().filter(n -> n.kind() == Kind.LAYER).findFirst().orElseThrow();
        assertEquals(
            dev.registryintegrity.source.Proof.SERVED,
            ((Finding.Intact) node.finding()).proof(),
            "every repository's node says its bytes were served");
      }
    }
    assertEquals(1, source.calls.get("read " + shared).get(), "bytes read once per run");
    assertEquals(2, source.calls.get("head " + shared).get(), "the other repositories' links");
    try (Walker every =
        new Walker(
            source,
            WalkLimits.defaults(),
            WalkPolicy.of(BlobCheck.READ, WalkPolicy.Option.READ_EVERY_REPOSITORY))) {
      for (String repo : List.of("one", "two")) {
        every.walk(repo + ":a", repo, ManifestRef.tag("a"), Expectations.none());
      }
    }
    assertEquals(
        3, source.calls.get("read " + shared).get(), "--read-every-repository reads in each");
  }

  @Test
  void aForgottenRepositoryIsAskedAgainWhileTheRunsProofOfBytesStays() {
    Digest shared = source.putBlob("shared base layer");
    String layer = layerDescriptor(shared);
    imageWithLayer("a", layer, null);
    WalkPolicy head = WalkPolicy.of(BlobCheck.HEAD);
    try (Walker walker = new Walker(source, WalkLimits.defaults(), head)) {
      walker.walk("one:a", "one", ManifestRef.tag("a"), Expectations.none());
      walker.walk("one:a", "one", ManifestRef.tag("a"), Expectations.none());
      assertEquals(1, source.calls.get("head " + shared).get(), "remembered: asked once");
      walker.forget("one");
      assertEquals(
          Verdict.OK,
          walker.walk("one:a", "one", ManifestRef.tag("a"), Expectations.none()).verdict());
      assertEquals(2, source.calls.get("head " + shared).get(), "forgotten: asked again");
    }
    try (Walker walker = new Walker(source, WalkLimits.defaults(), WalkPolicy.defaults())) {
      walker.walk("one:a", "one", ManifestRef.tag("a"), Expectations.none());
      walker.forget("one");
      walker.walk("two:a", "two", ManifestRef.tag("a"), Expectations.none());
    }
    assertEquals(1, source.calls.get("read " + shared).get(), "the bytes' proof outlives forget");
  }

  /** A 17-byte gzip layer's descriptor, as the shared-layer tests give their images. */
  private static String layerDescriptor(Digest digest) {
    return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
        + digest
        + "\",\"size\":17}";
  }
}
