package dev.registryintegrity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);
  private final ManifestParser parser = new ManifestParser();

  private Manifest parse(String json, String contentType) throws MalformedManifestException {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
  }

  @Test
  void ociIndexListsPlatformChildrenAndRecognisesAttestations() throws Exception {
    Manifest m =
        parse(
            """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":100,
           "platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":50,
           "platform":{"os":"unknown","architecture":"unknown"},
           "annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"%s"}}]}
        """
                .formatted(A, B, A),
            "");
    Manifest.Index index = assertInstanceOf(Manifest.Index.class, m);
    assertEquals(2, index.manifests().size());
    assertEquals("linux/arm64/v8", index.manifests().get(0).platform().orElseThrow().toString());
    assertTrue(index.manifests().get(1).isAttestation());
  }

  @Test
  void dockerManifestListWithoutMediaTypeFieldTakesTheContentType() throws Exception {
    Manifest m =
        parse(
            "{\"schemaVersion\":2,\"manifests\":[]}",
            MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8");
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, m.mediaType());
  }

  @Test
  void theBodysShapeDecidesWhenItsMediaTypeIsAbsentAndTheContentTypeNamesTheOtherKind()
      throws Exception {
    Manifest image =
        parse(
            """
        {"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json",
          "digest":"sha256:%s","size":2},"layers":[]}"""
                .formatted("a".repeat(64)),
            MediaTypes.OCI_INDEX);
    assertEquals(
        MediaTypes.OCI_MANIFEST, assertInstanceOf(Manifest.Image.class, image).mediaType());
    Manifest index = parse("{\"schemaVersion\":2,\"manifests\":[]}", MediaTypes.DOCKER_MANIFEST);
    assertEquals(MediaTypes.OCI_INDEX, assertInstanceOf(Manifest.Index.class, index).mediaType());
    // A body that names its own type keeps it, whatever the header says.
    Manifest declared =
        parse(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.DOCKER_MANIFEST_LIST
                + "\",\"manifests\":[]}",
            MediaTypes.OCI_MANIFEST);
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, declared.mediaType());
  }

  @Test
  void descriptorUrlsAreReadAndMarkTheLayerExternal() throws Exception {
    Manifest m =
        parse(
            """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
         "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:%1$s","size":2},
         "layers":[{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","digest":"sha256:%1$s",
           "size":5,"urls":["https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:%1$s"]},
          {"mediaType":"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip","digest":"sha256:%1$s","size":5},
          {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%1$s","size":5}]}"""
                .formatted("b".repeat(64)),
            "");
    List<Descriptor> layers = assertInstanceOf(Manifest.Image.class, m).layers();
    assertEquals(
        List.of("https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:" + "b".repeat(64)),
        layers.get(0).urls());
    assertEquals(List.of(true, true, false), layers.stream().map(Descriptor::isExternal).toList());
    MalformedManifestException bad =
        assertThrows(
            MalformedManifestException.class,
            () ->
                parse(
                    "{\"schemaVersion\":2,\"layers\":[{\"digest\":\"sha256:"
                        + "b".repeat(64)
                        + "\",\"size\":1,\"urls\":[1]}]}",
                    ""));
    assertEquals("layers[0].urls[0] is a number, expected a string", bad.getMessage());
  }

  @Test
  void imageManifestHasConfigLayersAndSubject() throws Exception {
    Manifest m =
        parse(
            """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":10},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":20}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":30}}
        """
                .formatted(A, B, C),
            "");
    Manifest.Image image = assertInstanceOf(Manifest.Image.class, m);
    assertEquals(A, image.config().orElseThrow().digest().toString());
    assertEquals(1, image.layers().size());
    assertEquals(C, image.subject().orElseThrow().digest().toString());
    assertEquals(false, image.isArtifact());
  }

  @Test
  void artifactManifestWithNonImageConfigIsWalkedAsAnArtifact() throws Exception {
    Manifest m =
        parse(
            """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sbom",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
         "layers":[{"mediaType":"application/spdx+json","digest":"%s","size":20}]}
        """
                .formatted(A, B),
            "");
    assertTrue(assertInstanceOf(Manifest.Image.class, m).isArtifact());
  }

  @Test
  void schema1IsRecognisedSoItCanBeReportedAsUnsupported() throws Exception {
    assertInstanceOf(
        Manifest.Schema1.class, parse("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", ""));
  }

  @Test
  void unknownMediaTypeWithoutReferencesIsOpaqueNotAnError() throws Exception {
    assertInstanceOf(Manifest.Opaque.class, parse("{\"mediaType\":\"application/x-custom\"}", ""));
  }

  @Test
  void garbageAndBadDescriptorsAreMalformed() {
    assertThrows(MalformedManifestException.class, () -> parse("not json", ""));
    assertThrows(MalformedManifestException.class, () -> parse("{}", ""));
    MalformedManifestException e =
        assertThrows(
            MalformedManifestException.class,
            () ->
                parse(
                    "{\"mediaType\":\""
                        + MediaTypes.OCI_INDEX
                        + "\",\"manifests\":[{\"digest\":\"sha256:zz\",\"size\":1}]}",
                    ""));
    assertTrue(e.getMessage().contains("manifests[0]"), e.getMessage());
    e =
        assertThrows(
            MalformedManifestException.class,
            () ->
                parse(
                    "{\"mediaType\":\""
                        + MediaTypes.OCI_MANIFEST
                        + "\",\"layers\":[{\"digest\":\""
                        + A
                        + "\"}]}",
                    ""));
    assertTrue(e.getMessage().contains("size"), e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "{\"manifests\":[{\"digest\":\"DA\",\"size\":\"12\"}]}|manifests[0].size is a string, expected a number",
        "{\"manifests\":{}}|manifests is an object, expected a list",
        "{\"manifests\":[42]}|manifests[0] is a number, expected a descriptor object",
        "{\"config\":[],\"layers\":[]}|config is a list, expected an object",
        "{\"mediaType\":7}|mediaType is a number, expected a string",
        "{\"manifests\":[{\"digest\":\"DA\",\"size\":1,\"platform\":{\"os\":[]}}]}|manifests[0].platform.os is a list, expected a string",
        "{\"manifests\":[{\"digest\":\"DA\",\"size\":1,\"annotations\":{\"k\":1}}]}|manifests[0].annotations[\"k\"] is a number, expected a string",
        "{\"manifests\":[{\"digest\":\"DA\",\"size\":1.5}]}|manifests[0].size is 1.5, expected a whole number of bytes",
        "{\"schemaVersion\":288888E88888888}|schemaVersion is 288888E88888888, expected a small whole number",
        "{\"manifests\":[{\"digest\":\"DA\",\"size\":9e999999999}]}|manifests[0].size is 9e999999999, expected a whole number of bytes",
        "[1,2]|body is a list, expected a JSON object",
        "{\"a\":1} trailing|body is not valid JSON",
        "{'a':1}|body is not valid JSON (at line 1 column 3)"
      })
  void wrongShapesAreNamedByFieldAndTypeInOurOwnWords(String json, String message) {
    MalformedManifestException e =
        assertThrows(MalformedManifestException.class, () -> parse(json.replace("DA", A), ""));
    assertEquals(message, e.getMessage().startsWith(message) ? message : e.getMessage());
    assertTrue(
        !e.getMessage().contains("gson") && !e.getMessage().contains("http"), e.getMessage());
  }
}
