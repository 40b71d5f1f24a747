package dev.registryintegrity.layout;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.FileHash;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.Proof;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OCI image layout directory (image-spec "image-layout.md"): {@code oci-layout}, {@code
 * index.json} and {@code blobs/<alg>/<hex>}. Every repository name maps to the same directory.
 *
 * <p>A tag is the {@code org.opencontainers.image.ref.name} annotation of an index.json entry; the
 * empty reference stands for index.json itself, so {@code oci:DIR} checks everything in it.
 */
public final class OciLayoutSource implements ContentSource {
  private final Path root;
  private final OciLayout layout;
  private final ManifestParser parser = new ManifestParser();
  private final AtomicLong reads = new AtomicLong();

  public OciLayoutSource(Path root) {
    if (!Files.isDirectory(root)) {
      throw new InputException(
          "OCI layout '"
              + root
              + "' is not a directory: give oci:DIR where DIR holds index.json and blobs/");
    }
    this.layout = new OciLayout(root);
    if (!Files.isRegularFile(layout.indexJson())) {
      throw new InputException(
          "OCI layout '"
              + root
              + "' has no index.json: is it an OCI image layout (skopeo copy ... oci:DIR)?");
    }
    this.root = root;
  }

  @Override
  public Origin origin() {
    return new Origin(Origin.Medium.OCI_LAYOUT, "OCI layout " + root);
  }

  @Override
  public long requestCount() {
    return reads.get();
  }

  @Override
  public Lookup fetchManifest(String repository, ManifestRef ref, int maxBytes) {
    if (ref instanceof ManifestRef.ByDigest d) {
      return readBlob(d.digest(), "", maxBytes);
    }
    String reference = ref.toString();
    if (reference.isEmpty()) {
      return readIndexJson(maxBytes);
    }
    Lookup indexJson = readIndexJson(maxBytes);
    if (!(indexJson instanceof Lookup.Found found)) {
      return indexJson;
    }
    Manifest.Index index;
    try {
      if (!(parser.parse(found.body().orElseThrow(), MediaTypes.OCI_INDEX)
          instanceof Manifest.Index i)) {
        return new Lookup.Unavailable(
            "index.json", "index.json of " + root + " is not an image index");
      }
      index = i;
    } catch (MalformedManifestException e) {
      return new Lookup.Unavailable(
          "index.json", "index.json of " + root + " does not parse: " + e.getMessage());
    }
    List<String> names =
        index.manifests().stream()
            .map(d -> d.annotations().get(MediaTypes.REF_NAME_ANNOTATION))
            .filter(n -> n != null)
            .toList();
    return index.manifests().stream()
        .filter(d -> refNameMatches(d.annotations().get(MediaTypes.REF_NAME_ANNOTATION), reference))
        .findFirst()
        .map(d -> readBlob(d.digest(), d.mediaType(), maxBytes))
        .orElseGet(
            () ->
                new Lookup.Absent(
                    "no such tag",
                    "TAG_UNKNOWN",
                    "index.json names no manifest '"
                        + reference
                        + "'"
                        + (names.isEmpty()
                            ? " (it names none)"
                            : " (it names: " + String.join(", ", names) + ")")));
  }

  /** Tools write either the bare tag or a full reference ("docker.io/library/x:1.0"). */
  private static boolean refNameMatches(String refName, String tag) {
    return refName != null && (refName.equals(tag) || refName.endsWith(":" + tag));
  }

  @Override
  public Lookup checkManifest(String repository, Digest digest) {
    return checkBlob(repository, digest, BlobCheck.READ);
  }

  /** A file is served when it is there with its size; a content check hashes it. */
  @Override
  public Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    reads.incrementAndGet();
    Path path = layout.blob(digest);
    try {
      if (!Files.isRegularFile(path) && Files.exists(path)) {
        return new Lookup.Unavailable("unreadable", path + " is not a regular file");
      }
      long size = Files.size(path);
      if (check != BlobCheck.CONTENT) {
        return new Lookup.Found(
            "file",
            "",
            OptionalLong.of(size),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Proof.SERVED);
      }
      FileHash hash = FileHash.of(digest, path);
      return new Lookup.Found(
          "file",
          "",
          OptionalLong.of(hash.length()),
          Optional.of(hash.digest()),
          Optional.empty(),
          List.of(),
          Proof.HASHED);
    } catch (NoSuchFileException e) {
      return absent(digest);
    } catch (IOException e) {
      return new Lookup.Unavailable("unreadable", "cannot read " + path + ": " + e.getMessage());
    }
  }

  private Lookup readIndexJson(int maxBytes) {
    Lookup read = readFile(layout.indexJson(), MediaTypes.OCI_INDEX, maxBytes);
    if (read instanceof Lookup.Found found) {
      try {
        new Gson()
            .fromJson(new String(found.body().orElseThrow(), StandardCharsets.UTF_8), Object.class);
      } catch (JsonParseException e) {
        return new Lookup.Unavailable(
            "index.json", "index.json of " + root + " is not JSON: " + e.getMessage());
      }
    }
    return read;
  }

  private Lookup readBlob(Digest digest, String mediaType, int maxBytes) {
    Lookup read = readFile(layout.blob(digest), mediaType, maxBytes);
    return read instanceof Lookup.Absent ? absent(digest) : read;
  }

  private Lookup readFile(Path path, String mediaType, int maxBytes) {
    reads.incrementAndGet();
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      return new Lookup.Unavailable("unreadable", path + " is not a regular file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        return new Lookup.TooLarge("file", maxBytes);
      }
      return Lookup.Found.withBody("file", mediaType, Optional.empty(), body, List.of());
    } catch (NoSuchFileException e) {
      return new Lookup.Absent("no file", "NOT_FOUND", path + " does not exist");
    } catch (IOException e) {
      return new Lookup.Unavailable("unreadable", "cannot read " + path + ": " + e.getMessage());
    }
  }

  private Lookup absent(Digest digest) {
    return new Lookup.Absent(
        "no file",
        "BLOB_MISSING",
        "blobs/" + digest.algorithm() + "/" + digest.hex() + " does not exist");
  }
}
