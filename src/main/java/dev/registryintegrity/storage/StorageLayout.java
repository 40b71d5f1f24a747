package dev.registryintegrity.storage;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.storage.driver.FileDriver;
import dev.registryintegrity.storage.driver.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where distribution (any version, any storage driver) keeps things, under {@code
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
 * registry's own ({@code _uploads}, {@code _manifests}, {@code _layers}), never names. Paths here
 * are relative to the driver's root, '/'-separated.
 *
 * @param driver the directory or bucket
 * @param v2 the path of docker/registry/v2 under the driver's root ("" when the root is it)
 */
public record StorageLayout(StorageDriver driver, String v2) implements AutoCloseable {

  /**
   * A storage root as the operator spells it: a directory, or {@code s3://BUCKET[/ROOTDIRECTORY]}
   * (the s3 driver's bucket and rootdirectory). Either the registry's rootdirectory or its
   * docker/registry/v2 directly.
   *
   * @param environment where an S3 root's endpoint, region and credentials are read (AWS_*)
   */
  public static StorageLayout open(String spelling, Map<String, String> environment) {
    if (StorageRoots.isS3(spelling)) {
      return at(StorageRoots.s3(spelling, environment), spelling);
    }
    return at(new FileDriver(Path.of(spelling)), spelling);
  }

  private static StorageLayout at(StorageDriver driver, String spelling) {
    try {
      for (String candidate : List.of("docker/registry/v2", "")) {
        if (driver.isDirectory(join(candidate, "repositories"))
            || driver.isDirectory(join(candidate, "blobs"))) {
          return new StorageLayout(driver, candidate);
        }
      }
    } catch (RuntimeException e) {
      driver.close();
      throw e;
    }
    driver.close();
    throw new InputException(
        "'"
            + spelling
            + "' is not a registry storage root: give the storage driver's rootdirectory (a"
            + " directory, or s3://BUCKET/ROOTDIRECTORY), which holds"
            + " docker/registry/v2/repositories and blobs");
  }

  private static String join(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  /** Where a path of this layout is, as the operator would look for it. */
  public String where(String path) {
    return driver.where(path);
  }

  /** The docker/registry/v2 directory, for the report's header. */
  public String root() {
    return driver.where(v2);
  }

  /** {@code path} as the registry's docs name it, from docker/registry/v2 down. */
  public String relative(String path) {
    return v2.isEmpty() ? path : path.substring(v2.length() + 1);
  }

  public String repository(String name) {
    return join(v2, "repositories/" + name);
  }

  public String tagDirectory(String repo, String tag) {
    return repository(repo) + "/_manifests/tags/" + tag;
  }

  public String tagLink(String repo, String tag) {
    return tagDirectory(repo, tag) + "/current/link";
  }

  public String revisionLink(String repo, Digest d) {
    return link(repo, "_manifests/revisions", d);
  }

  public String layerLink(String repo, Digest d) {
    return link(repo, "_layers", d);
  }

  /** A repository's link to a digest: {@code <dir>/<algorithm>/<hex>/link}. */
  private String link(String repo, String dir, Digest d) {
    return repository(repo) + "/" + dir + "/" + d.algorithm() + "/" + d.hex() + "/link";
  }

  public String blobData(Digest d) {
    return join(
        v2, "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data");
  }

  /**
   * Every repository name, found by their _manifests or _layers directories, in the collector's
   * walk order: path components compared in turn ({@code a/b} before {@code a-c}), because v3's
   * collector drops a repository's layer links against what it has marked so far.
   */
  public List<String> repositories() {
    List<String> names = new ArrayList<>();
    collect(join(v2, "repositories"), "", names);
    names.sort(Comparator.comparing(name -> name.replace('/', '\0')));
    return names;
  }

  private void collect(String dir, String name, List<String> names) {
    List<StorageDriver.Entry> children = driver.list(dir);
    if (children.stream()
        .anyMatch(
            e -> e.directory() && (e.name().equals("_manifests") || e.name().equals("_layers")))) {
      names.add(name);
    }
    for (StorageDriver.Entry child : children) {
      if (child.directory() && !child.name().startsWith("_")) {
        collect(
            dir + "/" + child.name(),
            name.isEmpty() ? child.name() : name + "/" + child.name(),
            names);
      }
    }
  }

  /** Reads a repository's links together where that saves requests (a bucket). */
  private String covered(String repo) {
    String dir = repository(repo);
    driver.cover(dir);
    return dir;
  }

  public List<String> tags(String repo) {
    return driver.list(covered(repo) + "/_manifests/tags").stream()
        .filter(StorageDriver.Entry::directory)
        .map(StorageDriver.Entry::name)
        .toList();
  }

  /** The repository may have changed by others (a push, a moved tag): read it again. */
  public void refresh(String repo) {
    driver.refresh(repository(repo));
  }

  /** The tag's directory exists: the tag is listed, whether or not its link is readable. */
  public boolean hasTag(String repo, String tag) {
    covered(repo);
    return driver.isDirectory(tagDirectory(repo, tag));
  }

  /** The digests of a repository's revision links (manifests it serves). */
  public List<Digest> revisions(String repo) {
    return linkedDigests(covered(repo) + "/_manifests/revisions");
  }

  /** The digests of a repository's layer links (blobs it serves). */
  public List<Digest> layers(String repo) {
    return linkedDigests(covered(repo) + "/_layers");
  }

  /**
   * Something is stored at the link's path. Not necessarily a readable link: a directory there is
   * not a missing link to restore (a repair would fail on it), it is the registry's to refuse.
   */
  public boolean hasLink(String link) {
    return driver.isFile(link) || driver.isDirectory(link);
  }

  private List<Digest> linkedDigests(String dir) {
    List<Digest> digests = new ArrayList<>();
    for (StorageDriver.Entry algorithm : driver.list(dir)) {
      for (StorageDriver.Entry hex : driver.list(dir + "/" + algorithm.name())) {
        if (!driver.isFile(dir + "/" + algorithm.name() + "/" + hex.name() + "/link")) {
          // distribution v3 deletes a manifest or a layer link by removing only the link file;
          // the empty directory it leaves is not served, so it is not a link
          continue;
        }
        try {
          digests.add(new Digest(algorithm.name(), hex.name()));
        } catch (InvalidValueException notADigest) {
          // a stray directory is not a link; the fsck report is about what the API serves
        }
      }
    }
    return digests;
  }

  /**
   * For a run that asks about most blobs (fsck, gc-check): their data is listed once, where that
   * saves a request per blob (a bucket), and held while the run lasts.
   */
  public void readAllBlobs() {
    driver.cover(join(v2, "blobs"));
  }

  /** Streams every blob with data, without holding the list (a store may have millions). */
  public void forEachBlob(Consumer<Digest> action) {
    String blobs = join(v2, "blobs");
    driver.walk(
        blobs,
        (path, size) -> {
          // <algorithm>/<hh>/<hex>/data
          String[] parts = path.substring(blobs.length() + 1).split("/");
          if (parts.length == 4 && parts[3].equals("data")) {
            try {
              action.accept(new Digest(parts[0], parts[2]));
            } catch (InvalidValueException notADigest) {
              // not a blob directory
            }
          }
        });
  }

  /** A link file's digest: empty when the file is missing; "" content or garbage is invalid. */
  public Optional<String> readLink(String link) throws IOException {
    if (!driver.isFile(link)) {
      if (driver.isDirectory(link)) {
        throw new IOException("not a regular file");
      }
      return Optional.empty();
    }
    try (InputStream in = driver.open(link)) {
      // A link holds one digest (71 bytes for sha256); a hostile store must not make us read more.
      return Optional.of(new String(in.readNBytes(1024), StandardCharsets.UTF_8).trim());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Whether the blob's bytes are stored. */
  public boolean hasData(Digest digest) {
    return driver.isFile(blobData(digest));
  }
}
