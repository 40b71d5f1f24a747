package dev.registryintegrity.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.Blob;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.Reports;
import dev.registryintegrity.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Storage damaged by hand, one finding kind at a time, and what only storage shows. */
class StorageDamageIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  private static Cli.Run fsck(String... extra) {
    List<String> args = new ArrayList<>(List.of("fsck", "--format", "json"));
    args.addAll(List.of(extra));
    args.add(REGISTRY.storageDirectory().toString());
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void eachStorageDamageIsItsOwnFinding() throws Exception {
    ImageSeeder seeder = REGISTRY.seeder();
    SeededImage img =
        seeder.pushImage(
            "damage/app", ImageSpec.multiPlatform().layers(3), "v1", "empty-link", "no-revision");
    SeededImage single =
        seeder.pushImage("damage/single", ImageSpec.singlePlatform().layers(3), "v1");
    Path v2 = REGISTRY.storageRoot();
    // tag link empty
    Files.writeString(
        v2.resolve("repositories/damage/app/_manifests/tags/empty-link/current/link"), "");
    // tag -> manifest without a revision link
    SeededImage other = seeder.pushImage("damage/norev", ImageSpec.singlePlatform(), "v1");
    REGISTRY.deleteRevisionLink("damage/norev", other.top("v1").digest());
    // config without _layers link; _layers link without data; size and content differ
    Digest config = img.child("linux/amd64").config().digest();
    REGISTRY.deleteLayerLink("damage/app", config);
    Digest lost = img.child("linux/amd64").layers().get(2).digest();
    REGISTRY.deleteBlobData(lost);
    Digest shorter = single.children().get(0).layers().get(1).digest();
    REGISTRY.overwriteBlobData(shorter, new byte[] {1, 2, 3});
    Blob sameSize = single.children().get(0).layers().get(2);
    REGISTRY.overwriteBlobData(sameSize.digest(), new byte[(int) sameSize.size()]);
    // revision link without blob data (a child manifest)
    Digest child = img.child("linux/arm64").manifest().digest();
    REGISTRY.deleteBlobData(child);
    // a tagged "manifest" that hashes right but does not parse
    byte[] garbage = "this is not a manifest".getBytes(StandardCharsets.UTF_8);
    Digest garbageDigest = Digest.sha256Of(garbage);
    Files.createDirectories(REGISTRY.blobDataPath(garbageDigest).getParent());
    Files.write(REGISTRY.blobDataPath(garbageDigest), garbage);
    Path rev =
        v2.resolve("repositories/damage/app/_manifests/revisions/sha256/" + garbageDigest.hex());
    Files.createDirectories(rev);
    Files.writeString(rev.resolve("link"), garbageDigest.toString());
    Path garbageTag = v2.resolve("repositories/damage/app/_manifests/tags/garbage/current");
    Files.createDirectories(garbageTag);
    Files.writeString(garbageTag.resolve("link"), garbageDigest.toString());

    Cli.Run run = fsck("--verify-content");
    assertEquals(1, run.exitCode(), run.all());
    Map<String, String> d = Reports.findings(run.json());
    assertTrue(d.get("damage/app:empty-link").contains("TAG_LINK_INVALID"), d.toString());
    assertTrue(
        d.get(other.top("v1").digest().toString())
            .contains("REVISION_LINK_MISSING: no _manifests/revisions link for"));
    assertTrue(
        d.get(config.toString()).startsWith("missing LAYER_LINK_MISSING"),
        d.get(config.toString()));
    assertTrue(d.get(lost.toString()).contains("BLOB_DATA_MISSING"));
    assertTrue(d.get(child.toString()).contains("BLOB_DATA_MISSING"));
    assertTrue(d.get(shorter.toString()).startsWith("size-differs"), d.get(shorter.toString()));
    assertTrue(
        d.get(sameSize.digest().toString()).startsWith("digest-differs"),
        d.get(sameSize.digest().toString()));
    assertTrue(
        d.get(sameSize.digest().toString()).contains("the hash of the bytes read is"),
        d.get(sameSize.digest().toString()));
    assertTrue(
        d.get(garbageDigest.toString()).startsWith("malformed"), d.get(garbageDigest.toString()));
    // A repair plans the link whose bytes survive (the tag's manifest), never one whose bytes are
    // gone.
    Set<String> planned = new HashSet<>();
    fsck("--repair", "--dry-run")
        .json()
        .getAsJsonObject("storage")
        .getAsJsonArray("repairs")
        .forEach(o -> planned.add(o.getAsJsonObject().get("content").getAsString()));
    assertTrue(planned.contains(other.top("v1").digest().toString()), planned.toString());
    assertTrue(planned.contains(config.toString()), planned.toString());
    assertFalse(planned.contains(child.toString()));
    assertFalse(planned.contains(lost.toString()));
    // Without --verify-content same-size corruption is invisible, as it is to a HEAD.
    assertEquals(
        "intact", Reports.findings(fsck().json()).get(sameSize.digest().toString()).trim());
  }

  @Test
  void untaggedManifestsAndUnreferencedBlobsAreInformationNotFailures() throws Exception {
    ImageSeeder seeder = REGISTRY.seeder();
    seeder.pushImage("info/app", ImageSpec.singlePlatform(), "v1");
    Blob orphan =
        seeder.pushBlob(
            "info/app",
            "nobody references me".getBytes(StandardCharsets.UTF_8),
            "application/octet-stream");
    Blob config =
        seeder.pushBlob(
            "info/app",
            "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8),
            "application/vnd.oci.image.config.v1+json");
    Blob untagged =
        seeder.pushManifest(
            "info/app",
            null,
            "application/vnd.oci.image.manifest.v1+json",
            ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                    + config.digest()
                    + "\",\"size\":"
                    + config.size()
                    + "},\"layers\":[]}")
                .getBytes(StandardCharsets.UTF_8));
    Cli.Run run = fsck();
    JsonObject root =
        run.json().getAsJsonObject("storage").getAsJsonArray("roots").get(0).getAsJsonObject();
    Set<String> untaggedList = new HashSet<>();
    root.getAsJsonArray("untaggedManifests").forEach(e -> untaggedList.add(e.getAsString()));
    assertTrue(untaggedList.contains("info/app@" + untagged.digest()), untaggedList.toString());
    assertTrue(root.get("unreferencedBlobs").getAsLong() >= 1);
    assertTrue(
        Cli.run("fsck", REGISTRY.storageDirectory().toString())
            .out()
            .contains("unreferenced blob " + orphan.digest()));
    assertFalse(Reports.failingDigests(run.json()).contains(orphan.digest().toString()));
  }
}
