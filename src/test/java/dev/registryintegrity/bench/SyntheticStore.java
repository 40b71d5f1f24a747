package dev.registryintegrity.bench;

import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a synthetic distribution storage directory the size of a real one, for the fsck benchmark:
 * REPOS repositories x 14 tags, each tag an OCI index of two platform manifests, each with a config
 * (built a day after the tag before) and 8 layers drawn from a shared pool (as base images are
 * shared). Every file is what distribution writes: link files holding a digest, data files whose
 * sha256 is their name. Run: scripts/benchmark-fsck
 */
public final class SyntheticStore {
  private static final int TAGS = 14;
  private static final int LAYERS = 8;
  private static final int POOL = 500;

  private final Path v2;
  private long links;
  private long blobs;

  private SyntheticStore(Path root) {
    this.v2 = root.resolve("docker/registry/v2");
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "target/fsck-bench");
    int repos = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    SyntheticStore store = new SyntheticStore(root);
    store.write(repos);
    System.out.println(
        "wrote "
            + root
            + ": "
            + repos
            + " repositories, "
            + store.links
            + " link files, "
            + store.blobs
            + " blobs");
  }

  private void write(int repos) throws IOException {
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < POOL; i++) {
      pool.add(blob(("shared layer " + i + " ").repeat(8)));
    }
    for (int r = 0; r < repos; r++) {
      String repo = "team-" + (r % 20) + "/service-" + r;
      for (int t = 0; t < TAGS; t++) {
        StringBuilder index =
            new StringBuilder(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[");
        for (String arch : new String[] {"amd64", "arm64"}) {
          String config =
              blob(
                  "{\"architecture\":\""
                      + arch
                      + "\",\"os\":\"linux\",\"repo\":\""
                      + repo
                      + "\",\"tag\":"
                      + t
                      + ",\"created\":\"2026-01-"
                      + String.format(java.util.Locale.ROOT, "%02d", t + 1)
                      + "T12:00:00Z\"}");
          link(repo, "_layers", config);
          StringBuilder layers = new StringBuilder();
          for (int l = 0; l < LAYERS; l++) {
            String layer =
                pool.get((r * 7 + t * 3 + l * 11 + (arch.equals("arm64") ? 1 : 0)) % POOL);
            link(repo, "_layers", layer);
            layers
                .append(l == 0 ? "" : ",")
                .append(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer));
          }
          String manifest =
              "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                  + descriptor("application/vnd.oci.image.config.v1+json", config)
                  + ",\"layers\":["
                  + layers
                  + "]}";
          String m = blob(manifest);
          link(repo, "_manifests/revisions", m);
          index
              .append(arch.equals("amd64") ? "" : ",")
              .append(
                  descriptor("application/vnd.oci.image.manifest.v1+json", m)
                      .replace(
                          "}",
                          ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + arch + "\"}}"));
        }
        String idx = blob(index.append("]}").toString());
        link(repo, "_manifests/revisions", idx);
        Path tag =
            v2.resolve("repositories").resolve(repo).resolve("_manifests/tags/v" + t + "/current");
        Files.createDirectories(tag);
        Files.writeString(tag.resolve("link"), idx);
        links++;
      }
    }
  }

  private final java.util.Map<String, Long> sizes = new java.util.HashMap<>();

  private String descriptor(String mediaType, String digest) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + sizes.get(digest)
        + "}";
  }

  private String blob(String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256Of(bytes);
    if (sizes.putIfAbsent(d.toString(), (long) bytes.length) == null) {
      Path dir = v2.resolve("blobs/sha256").resolve(d.hex().substring(0, 2)).resolve(d.hex());
      Files.createDirectories(dir);
      Files.write(dir.resolve("data"), bytes);
      blobs++;
    }
    return d.toString();
  }

  private void link(String repo, String kind, String digest) throws IOException {
    Path dir =
        v2.resolve("repositories")
            .resolve(repo)
            .resolve(kind)
            .resolve("sha256")
            .resolve(digest.substring(7));
    if (Files.exists(dir.resolve("link"))) {
      return;
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("link"), digest);
    links++;
  }
}
