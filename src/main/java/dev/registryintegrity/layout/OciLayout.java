package dev.registryintegrity.layout;

import dev.registryintegrity.model.Digest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an OCI image layout (image-spec "image-layout.md") keeps things: {@code oci-layout}, {@code
 * index.json}, and each blob, manifests included, at {@code blobs/<alg>/<hex>}.
 */
public record OciLayout(Path root) {
  public Path blob(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  public Path indexJson() {
    return root.resolve("index.json");
  }

  /** What skopeo, buildx and podman write: the marker file, or at least the blobs directory. */
  public boolean looksLikeLayout() {
    return Files.isRegularFile(root.resolve("oci-layout"))
        || Files.isDirectory(root.resolve("blobs"));
  }
}
