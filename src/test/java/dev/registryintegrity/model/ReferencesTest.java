package dev.registryintegrity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferencesTest {
  private static final ManifestParser PARSER = new ManifestParser();

  private static Digest d(String seed) {
    return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
  }

  private static Manifest parse(String json) throws MalformedManifestException {
    return PARSER.parse(json.getBytes(StandardCharsets.UTF_8), "");
  }

  private static String descriptor(String mediaType, Digest digest, String extra) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":10"
        + extra
        + "}";
  }

  @Test
  void anIndexReferencesItsEntriesAsImagesNestedIndexesAndAttestationsOfTheImageTheyAttest()
      throws Exception {
    Digest amd64 = d("amd64");
    Manifest index =
        parse(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"manifests\":["
                + descriptor(
                    MediaTypes.OCI_MANIFEST,
                    amd64,
                    ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}")
                + ","
                + descriptor(MediaTypes.OCI_INDEX, d("nested"), "")
                + ","
                + descriptor(
                    MediaTypes.OCI_MANIFEST,
                    d("attestation"),
                    ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
                        + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
                        + "\"vnd.docker.reference.digest\":\""
                        + amd64
                        + "\"}")
                + "]}");
    List<References.Reference> children = References.of(index).children();
    assertEquals(
        List.of(Kind.MANIFEST, Kind.INDEX, Kind.ATTESTATION),
        children.stream().map(References.Reference::kind).toList());
    assertEquals("linux/amd64", children.get(0).platform().orElseThrow().toString());
    assertEquals(Optional.empty(), children.get(1).platform());
    assertEquals(
        "linux/amd64",
        children.get(2).platform().orElseThrow().toString(),
        "an attestation serves the image it attests");
    assertEquals(Optional.empty(), References.of(index).subject());
  }

  @Test
  void aPullNeedsConfigAndLayersButNotExternalOnesAndStorageKeepsTheSubjectToo() throws Exception {
    Digest subject = d("subject");
    Manifest image =
        parse(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, d("config"), "")
                + ",\"layers\":["
                + descriptor("application/vnd.oci.image.layer.v1.tar+gzip", d("layer"), "")
                + ","
                + descriptor(
                    MediaTypes.DOCKER_FOREIGN_LAYER,
                    d("windows"),
                    ",\"urls\":[\"https://mcr.microsoft.com/x\"]")
                + "],\"subject\":"
                + descriptor(MediaTypes.OCI_MANIFEST, subject, "")
                + "}");
    References references = References.of(image);
    assertEquals(
        List.of(Kind.CONFIG, Kind.LAYER, Kind.LAYER),
        references.children().stream().map(References.Reference::kind).toList());
    assertTrue(references.children().get(2).external());
    assertEquals(2, references.pulled().size(), "the external layer is not the registry's");
    assertEquals(subject, references.subject().orElseThrow().digest());
    assertEquals(Kind.SUBJECT, references.all().get(3).kind(), "the subject comes last");
    assertEquals(4, references.all().size());
  }

  @Test
  void schema1AndUnknownManifestsReferenceNothingWeCanFollow() {
    assertTrue(References.of(new Manifest.Schema1(MediaTypes.DOCKER_SCHEMA1)).all().isEmpty());
    assertTrue(References.of(new Manifest.Opaque("application/x-unknown")).all().isEmpty());
  }
}
