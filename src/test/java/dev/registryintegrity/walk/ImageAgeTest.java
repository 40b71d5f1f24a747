package dev.registryintegrity.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.walk.ImageAge.Age;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageAgeTest {
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

  private final MemorySource source = new MemorySource();

  private Digest image(String tag, String configJson) {
    Digest config = source.putBlob(configJson);
    return source.putManifest(
        tag,
        OCI_MANIFEST,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"config\":{\"mediaType\":\""
            + OCI_CONFIG
            + "\",\"digest\":\""
            + config
            + "\",\"size\":"
            + configJson.length()
            + "},\"layers\":[]}");
  }

  private static String built(String time) {
    return "{\"created\":\"" + time + "\",\"architecture\":\"amd64\",\"os\":\"linux\"}";
  }

  private static String entry(Digest digest, String os, String arch, String annotations) {
    return "{\"mediaType\":\""
        + OCI_MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":1,\"platform\":{\"os\":\""
        + os
        + "\",\"architecture\":\""
        + arch
        + "\"}"
        + annotations
        + "}";
  }

  private Age age(String tag) {
    return new ImageAge(source, 4 << 20).of("app", ManifestRef.tag(tag));
  }

  @Test
  void anImageIsAsOldAsItsConfigSays() {
    image("v1", built("2026-03-01T10:00:00Z"));
    assertEquals(new Age.Known(Instant.parse("2026-03-01T10:00:00Z")), age("v1"));
  }

  @Test
  void anIndexCountsItsNewestPlatformImageAndNotItsAttestations() {
    Digest amd64 = image(null, built("2026-03-01T10:00:00Z"));
    Digest arm64 = image(null, built("2026-03-02T10:00:00Z"));
    // An attestation's config is newer still: it must not make the index look newer.
    Digest attestation = image(null, built("2026-03-09T10:00:00Z"));
    source.putManifest(
        "multi",
        OCI_INDEX,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_INDEX
            + "\",\"manifests\":["
            + entry(amd64, "linux", "amd64", "")
            + ","
            + entry(arm64, "linux", "arm64", "")
            + ","
            + entry(
                attestation,
                "unknown",
                "unknown",
                ",\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
                    + "\"vnd.docker.reference.digest\":\""
                    + amd64
                    + "\"}")
            + "]}");
    assertEquals(new Age.Known(Instant.parse("2026-03-02T10:00:00Z")), age("multi"));
  }

  @Test
  void theEpochAMissingOrAnUnreadableTimeIsNeverGuessedAt() {
    image("reproducible", built("1970-01-01T00:00:00Z"));
    image("none", "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    image("garbled", built("yesterday"));
    for (String tag : new String[] {"reproducible", "none", "garbled"}) {
      assertInstanceOf(Age.Unknown.class, age(tag), tag);
    }
    assertTrue(((Age.Unknown) age("reproducible")).why().contains("1970-01-01T00:00:00Z"));
  }

  @Test
  void anArtifactIsNoImage() {
    Digest config = source.putBlob("{}");
    source.putManifest(
        "sbom",
        OCI_MANIFEST,
        "{\"schemaVersion\":2,\"mediaType\":\""
            + OCI_MANIFEST
            + "\",\"artifactType\":\"application/spdx+json\",\"config\":{\"mediaType\":"
            + "\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + config
            + "\",\"size\":2},\"layers\":[]}");
    Age age = age("sbom");
    assertInstanceOf(Age.Unknown.class, age);
    assertTrue(((Age.Unknown) age).why().contains("artifact"), age.toString());
  }

  @Test
  void aConfigWhoseBytesDoNotHashToItsDigestGivesNoTime() {
    String config = built("2026-03-01T10:00:00Z");
    image("tampered", config);
    // The registry serves other bytes under the config's digest: a newer time, but not its own.
    source.blobBytes.put(
        Digest.sha256Of(config.getBytes(StandardCharsets.UTF_8)).toString(),
        built("2030-01-01T00:00:00Z").getBytes(StandardCharsets.UTF_8));
    assertInstanceOf(Age.Unknown.class, age("tampered"));
  }

  @Test
  void theNewestKeepTiesWithTheLastAndEveryUndatedItem() {
    Map<String, Age> ages = new LinkedHashMap<>();
    ages.put("a", new Age.Known(Instant.parse("2026-01-01T00:00:00Z")));
    ages.put("b", new Age.Known(Instant.parse("2026-01-03T00:00:00Z")));
    ages.put("c", new Age.Known(Instant.parse("2026-01-02T00:00:00Z")));
    ages.put("d", new Age.Known(Instant.parse("2026-01-02T00:00:00Z")));
    ages.put("e", new Age.Unknown("no time"));
    ImageAge.Newest<String> two = ImageAge.newest(ages, 2);
    assertEquals(2, two.newest().size());
    assertTrue(two.newest().contains("b"));
    assertEquals(Set.of("b", "c", "d", "e"), two.all());
    assertEquals(Set.of("e"), two.undated());
    assertEquals(Set.of("a", "b", "c", "d", "e"), ImageAge.newest(ages, 10).all());
  }
}
