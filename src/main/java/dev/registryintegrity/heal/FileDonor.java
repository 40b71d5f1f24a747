package dev.registryintegrity.heal;

import dev.registryintegrity.layout.OciLayout;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.registry.PushResult;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.storage.StorageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Content addressed on disk: an OCI image layout ({@code blobs/<alg>/<hex>}) or a distribution
 * storage directory, a backup copy say ({@code blobs/<alg>/<hh>/<hex>/data}). Manifests are blobs
 * there too. The upload hashes what it sends and commits only a match.
 */
public final class FileDonor implements Donor {
  private final String description;
  private final Function<Digest, Path> path;

  private FileDonor(String description, Function<Digest, Path> path) {
    this.description = description;
    this.path = path;
  }

  /** What {@code skopeo copy ... oci:DIR}, buildx {@code type=oci} or podman write. */
  public static FileDonor ociLayout(Path directory) {
    OciLayout layout = new OciLayout(directory);
    if (!layout.looksLikeLayout()) {
      throw new dev.registryintegrity.InputException(
          "--from oci:"
              + directory
              + " is not an OCI image layout (no oci-layout file, no blobs directory): give the"
              + " directory skopeo copy, buildx --output type=oci,tar=false or podman save"
              + " --format oci-dir wrote");
    }
    return new FileDonor("OCI layout " + directory, layout::blob);
  }

  /** A registry's filesystem storage, its rootdirectory or docker/registry/v2 (as fsck reads). */
  public static FileDonor storage(Path root) {
    StorageLayout layout = StorageLayout.at(root);
    return new FileDonor("storage " + root, layout::blobData);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public Answer<byte[]> manifest(Digest digest, int maxBytes) {
    Path file = path.apply(digest);
    try {
      if (!Files.isRegularFile(file)) {
        return Answer.no("no such file");
      }
      if (Files.size(file) > maxBytes) {
        return Answer.no("larger than " + maxBytes + " bytes");
      }
      return Answer.of(Files.readAllBytes(file));
    } catch (IOException e) {
      return Answer.no("unreadable (" + e.getMessage() + ")");
    }
  }

  @Override
  public Answer<String> holds(Descriptor blob) {
    Path file = path.apply(blob.digest());
    try {
      if (!Files.isRegularFile(file)) {
        return Answer.no("no such file");
      }
      long size = Files.size(file);
      return size == blob.size()
          ? Answer.of("copy")
          : Answer.no("holds " + size + " bytes, not " + blob.size());
    } catch (IOException e) {
      return Answer.no("unreadable (" + e.getMessage() + ")");
    }
  }

  @Override
  public Given give(Descriptor blob, RegistryClient target, String repository, Transfer transfer) {
    Answer<String> held = holds(blob);
    if (held.value().isEmpty()) {
      return Given.not("copy", held.why());
    }
    Path file = path.apply(blob.digest());
    PushResult result =
        target.uploadBlob(
            repository,
            blob.digest(),
            blob.size(),
            () -> new Counted(Files.newInputStream(file), transfer));
    return Given.by("copy", result);
  }

  /** Counts what the upload reads, for the progress line. */
  static final class Counted extends java.io.FilterInputStream {
    private final Transfer transfer;

    Counted(InputStream in, Transfer transfer) {
      super(in);
      this.transfer = transfer;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        transfer.moved(n);
      }
      return n;
    }
  }
}
