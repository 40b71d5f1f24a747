package dev.registryintegrity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
    Manifest m = parse("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":100,
           "platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":50,
           "platform":{"os":"unknown","architecture":"unknown"},
           "annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"%s"}}]}
        """.formatted(A, B, A), "");
    Manifest.Index index = assertInstanceOf(Manifest.Index.class, m);
    assertEquals(2, index.manifests().size());
    assertEquals("linux/arm64/v8", index.manifests().get(0).platform().orElseThrow().toString());
    assertTrue(index.manifests().get(1).isAttestation());
  }

  @Test
  void dockerManifestListWithoutMediaTypeFieldTakesTheContentType() throws Exception {
    Manifest m = parse("{\"schemaVersion\":2,\"manifests\":[]}", MediaTypes.DOCKER_MANIFEST_LIST + "; charset=utf-8");
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, m.mediaType());
  }

  @Test
  void imageManifestHasConfigLayersAndSubject() throws Exception {
    Manifest m = parse("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":10},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":20}],
         "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":30}}
        """.formatted(A, B, C), "");
    Manifest.Image image = assertInstanceOf(Manifest.Image.class, m);
    assertEquals(A, image.config().orElseThrow().digest().toString());
    assertEquals(1, image.layers().size());
    assertEquals(C, image.subject().orElseThrow().digest().toString());
    assertEquals(false, image.isArtifact());
  }

  @Test
  void artifactManifestWithNonImageConfigIsWalkedAsAnArtifact() throws Exception {
    Manifest m = parse("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sbom",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"%s","size":2},
         "layers":[{"mediaType":"application/spdx+json","digest":"%s","size":20}]}
        """.formatted(A, B), "");
    assertTrue(assertInstanceOf(Manifest.Image.class, m).isArtifact());
  }

  @Test
  void schema1IsRecognisedSoItCanBeReportedAsUnsupported() throws Exception {
    assertInstanceOf(Manifest.Schema1.class, parse("{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}", ""));
  }

  @Test
  void unknownMediaTypeWithoutReferencesIsOpaqueNotAnError() throws Exception {
    assertInstanceOf(Manifest.Opaque.class, parse("{\"mediaType\":\"application/x-custom\"}", ""));
  }

  @Test
  void garbageAndBadDescriptorsAreMalformed() {
    assertThrows(MalformedManifestException.class, () -> parse("not json", ""));
    assertThrows(MalformedManifestException.class, () -> parse("{}", ""));
    MalformedManifestException e = assertThrows(MalformedManifestException.class,
        () -> parse("{\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[{\"digest\":\"sha256:zz\",\"size\":1}]}", ""));
    assertTrue(e.getMessage().contains("manifests[0]"), e.getMessage());
    e = assertThrows(MalformedManifestException.class,
        () -> parse("{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[{\"digest\":\"" + A + "\"}]}", ""));
    assertTrue(e.getMessage().contains("size"), e.getMessage());
  }
}
