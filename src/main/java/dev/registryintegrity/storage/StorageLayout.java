package dev.registryintegrity.storage;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where distribution 2.x (registry:2, filesystem driver) keeps things, under {@code
 * <rootdirectory>/docker/registry/v2} (distribution's registry/storage/paths.go):
 *
 * <ul>
 *   <li>{@code repositories/<name>/_manifests/tags/<tag>/current/link}: the tag's manifest digest;
 *   <li>{@code repositories/<name>/_manifests/revisions/sha256/<hex>/link}: the manifest is served
 *       in that repository (no link: the API answers 404);
 *   <li>{@code repositories/<name>/_layers/sha256/<hex>/link}: the blob is served there;
 *   <li>{@code blobs/sha256/<hh>/<hex>/data}: the bytes, shared by all repositories.
 * </ul>
 *
 * Repository names may be nested ({@code team/app}); directories starting with '_' are the
 * registry's own ({@code _uploads}, {@code _manifests}, {@code _layers}), never names.
 */
public record StorageLayout(Path v2) {

  /** Accepts the registry's rootdirectory or its docker/registry/v2 directly. */
  public static StorageLayout at(Path root) {
    Path candidate = root.resolve("docker/registry/v2");
    if (Files.isDirectory(candidate.resolve("repositories"))
        || Files.isDirectory(candidate.resolve("blobs"))) {
      return new StorageLayout(candidate);
    }
    if (Files.isDirectory(root.resolve("repositories"))
        || Files.isDirectory(root.resolve("blobs"))) {
      return new StorageLayout(root);
    }
    throw new InputException(
        "'"
            + root
            + "' is not a registry storage directory: give the filesystem driver's"
            + " rootdirectory (it holds docker/registry/v2/repositories and blobs)");
  }

  public Path repository(String name) {
    return v2.resolve("repositories").resolve(name);
  }

  public Path tagLink(String repo, String tag) {
    return repository(repo).resolve("_manifests/tags").resolve(tag).resolve("current/link");
  }

  public Path tagDirectory(String repo, String tag) {
    return repository(repo).resolve("_manifests/tags").resolve(tag);
  }

  public Path revisionLink(String repo, Digest d) {
    return link(repo, "_manifests/revisions", d);
  }

  public Path layerLink(String repo, Digest d) {
    return link(repo, "_layers", d);
  }

  /** A repository's link to a digest: {@code <dir>/<algorithm>/<hex>/link}. */
  private Path link(String repo, String dir, Digest d) {
    return repository(repo).resolve(dir).resolve(d.algorithm()).resolve(d.hex()).resolve("link");
  }

  public Path blobData(Digest d) {
    return v2.resolve("blobs")
        .resolve(d.algorithm())
        .resolve(d.hex().substring(0, 2))
        .resolve(d.hex())
        .resolve("data");
  }

  /**
   * Every repository name, found by their _manifests or _layers directories, in the collector's
   * walk order: path components compared in turn ({@code a/b} before {@code a-c}), because v3's
   * collector drops a repository's layer links against what it has marked so far.
   */
  public List<String> repositories() {
    List<String> names = new ArrayList<>();
    Path base = v2.resolve("repositories");
    if (Files.isDirectory(base)) {
      collect(base, base, names);
    }
    names.sort(java.util.Comparator.comparing(name -> name.replace('/', '\0')));
    return names;
  }

  private static void collect(Path base, Path dir, List<String> names) {
    if (Files.isDirectory(dir.resolve("_manifests")) || Files.isDirectory(dir.resolve("_layers"))) {
      names.add(base.relativize(dir).toString().replace('\\', '/'));
    }
    for (Path child : list(dir)) {
      if (!child.getFileName().toString().startsWith("_") && Files.isDirectory(child)) {
        collect(base, child, names);
      }
    }
  }

  public List<String> tags(String repo) {
    return list(repository(repo).resolve("_manifests/tags")).stream()
        .filter(Files::isDirectory)
        .map(p -> p.getFileName().toString())
        .sorted()
        .toList();
  }

  /** The digests of a repository's revision links (manifests it serves). */
  public List<Digest> revisions(String repo) {
    return linkedDigests(repository(repo).resolve("_manifests/revisions"));
  }

  /** The digests of a repository's layer links (blobs it serves). */
  public List<Digest> layers(String repo) {
    return linkedDigests(repository(repo).resolve("_layers"));
  }

  private static List<Digest> linkedDigests(Path dir) {
    List<Digest> digests = new ArrayList<>();
    for (Path algorithm : list(dir)) {
      for (Path hex : list(algorithm)) {
        if (!Files.exists(hex.resolve("link"), LinkOption.NOFOLLOW_LINKS)) {
          // distribution v3 deletes a manifest or a layer link by removing only the link file;
          // the empty directory it leaves is not served, so it is not a link
          continue;
        }
        try {
          digests.add(new Digest(algorithm.getFileName().toString(), hex.getFileName().toString()));
        } catch (InvalidValueException notADigest) {
          // a stray directory is not a link; the fsck report is about what the API serves
        }
      }
    }
    return digests;
  }

  /** Streams every blob with data, without holding the list (a store may have millions). */
  public void forEachBlob(Consumer<Digest> action) {
    for (Path algorithm : list(v2.resolve("blobs"))) {
      for (Path prefix : list(algorithm)) {
        try (DirectoryStream<Path> blobs = Files.newDirectoryStream(prefix)) {
          for (Path blob : blobs) {
            if (Files.isRegularFile(blob.resolve("data"))) {
              try {
                action.accept(
                    new Digest(algorithm.getFileName().toString(), blob.getFileName().toString()));
              } catch (InvalidValueException notADigest) {
                // not a blob directory
              }
            }
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }
  }

  /** A link file's digest: empty when the file is missing; "" content or garbage is invalid. */
  public static Optional<String> readLink(Path link) throws IOException {
    if (!Files.exists(link)) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(link)) {
      throw new IOException("not a regular file");
    }
    try (java.io.InputStream in = Files.newInputStream(link)) {
      // A link holds one digest (71 bytes for sha256); a hostile store must not make us read more.
      return Optional.of(new String(in.readNBytes(1024), StandardCharsets.UTF_8).trim());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    entries.sort(null);
    return entries;
  }
}
