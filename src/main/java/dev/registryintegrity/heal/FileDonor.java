package dev.registryintegrity.heal;

import dev.registryintegrity.layout.OciLayout;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.registry.PushResult;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.driver.FileDriver;
import dev.registryintegrity.storage.driver.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Content addressed in files: an OCI image layout ({@code blobs/<alg>/<hex>}) or a distribution
 * storage root, a backup copy say ({@code blobs/<alg>/<hh>/<hex>/data}), in a directory or a
 * bucket. Manifests are blobs there too. The upload hashes what it sends and commits only a match.
 */
public final class FileDonor implements Donor {
  private final String description;
  private final StorageDriver files;
  private final Function<Digest, String> path;

  private FileDonor(String description, StorageDriver files, Function<Digest, String> path) {
    this.description = description;
    this.files = files;
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
    return new FileDonor(
        "OCI layout " + directory,
        new FileDriver(directory),
        d -> directory.relativize(layout.blob(d)).toString());
  }

  /**
   * A registry's storage, its rootdirectory or docker/registry/v2 (as fsck reads): a directory or
   * s3://BUCKET/ROOTDIRECTORY.
   */
  public static FileDonor storage(String root, java.util.Map<String, String> environment) {
    StorageLayout layout = StorageLayout.open(root, environment);
    return new FileDonor("storage " + root, layout.driver(), layout::blobData);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public Answer<byte[]> manifest(Digest digest, int maxBytes) {
    String file = path.apply(digest);
    try {
      if (files.size(file) > maxBytes) {
        return Answer.no("larger than " + maxBytes + " bytes");
      }
      try (InputStream in = files.open(file)) {
        return Answer.of(in.readNBytes(maxBytes));
      }
    } catch (NoSuchFileException e) {
      return Answer.no("no such file");
    } catch (IOException | UncheckedIOException e) {
      return Answer.no("unreadable (" + e.getMessage() + ")");
    }
  }

  @Override
  public Answer<String> holds(Descriptor blob) {
    try {
      long size = files.size(path.apply(blob.digest()));
      return size == blob.size()
          ? Answer.of("copy")
          : Answer.no("holds " + size + " bytes, not " + blob.size());
    } catch (NoSuchFileException e) {
      return Answer.no("no such file");
    } catch (IOException | UncheckedIOException e) {
      return Answer.no("unreadable (" + e.getMessage() + ")");
    }
  }

  @Override
  public Given give(Descriptor blob, RegistryClient target, String repository, Transfer transfer) {
    Answer<String> held = holds(blob);
    if (held.value().isEmpty()) {
      return Given.not("copy", held.why());
    }
    String file = path.apply(blob.digest());
    PushResult result =
        target.uploadBlob(
            repository, blob.digest(), blob.size(), () -> new Counted(files.open(file), transfer));
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
