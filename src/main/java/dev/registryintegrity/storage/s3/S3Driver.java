package dev.registryintegrity.storage.s3;

import dev.registryintegrity.storage.driver.StorageDriver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * distribution's s3 storage driver's tree, read through S3's API: a directory is a key prefix, a
 * file an object. Listings are paged; reads are streamed.
 *
 * <p>A repository is read by one listing of everything under it ({@link #cover}), after which its
 * tags and links are answered without a request each: on S3 a question costs a round trip, and a
 * check asks several per digest. Objects outside what was covered (blob data, mostly) are asked
 * about one by one, as distribution's own driver does. What this run writes or deletes updates what
 * it holds.
 */
public final class S3Driver implements StorageDriver {
  private final S3Client client;
  private final S3Location location;
  private final S3Failures failures;

  /** Every object under a covered directory, path to size. */
  private final NavigableMap<String, Long> known = new ConcurrentSkipListMap<>();

  private final Set<String> covered = ConcurrentHashMap.newKeySet();

  S3Driver(S3Client client, S3Location location, S3Failures failures) {
    this.client = client;
    this.location = location;
    this.failures = failures;
  }

  /** A client for {@code location} from AWS's standard endpoint, region and credential sources. */
  public static S3Driver connect(S3Location location, Map<String, String> environment) {
    S3Settings settings = S3Settings.from(environment);
    return new S3Driver(settings.client(), location, new S3Failures(location, settings));
  }

  @Override
  public String where(String path) {
    return location.url(path);
  }

  @Override
  public boolean isFile(String path) {
    if (isCovered(path)) {
      return known.containsKey(path);
    }
    return head(path).isPresent();
  }

  @Override
  public boolean isDirectory(String path) {
    String under = under(path);
    if (isCovered(path)) {
      String next = known.ceilingKey(under);
      return next != null && next.startsWith(under);
    }
    try {
      // Not KeyCount (some servers leave it out), and not a console's folder marker alone.
      ListObjectsV2Response page =
          client.listObjectsV2(
              ListObjectsV2Request.builder()
                  .bucket(location.bucket())
                  .prefix(location.listPrefix(under))
                  .delimiter("/")
                  .maxKeys(10)
                  .build());
      return !page.commonPrefixes().isEmpty()
          || page.contents().stream().anyMatch(o -> !o.key().endsWith("/"));
    } catch (SdkException e) {
      throw failures.of("list", under, e);
    }
  }

  @Override
  public List<Entry> list(String dir) {
    String under = under(dir);
    TreeMap<String, Boolean> children = new TreeMap<>();
    if (isCovered(dir)) {
      for (String path : known.subMap(under, under + Character.MAX_VALUE).keySet()) {
        String rest = path.substring(under.length());
        int slash = rest.indexOf('/');
        children.merge(slash < 0 ? rest : rest.substring(0, slash), slash >= 0, Boolean::logicalOr);
      }
    } else {
      try {
        for (ListObjectsV2Response page : pages(under, "/")) {
          for (CommonPrefix prefix : page.commonPrefixes()) {
            String name = location.path(prefix.prefix()).substring(under.length());
            children.put(name.substring(0, name.length() - 1), true);
          }
          for (S3Object object : page.contents()) {
            String name = location.path(object.key()).substring(under.length());
            if (!name.isEmpty() && !name.contains("/")) {
              children.putIfAbsent(name, false);
            }
          }
        }
      } catch (SdkException e) {
        throw failures.of("list", under, e);
      }
    }
    List<Entry> entries = new ArrayList<>();
    children.forEach((name, directory) -> entries.add(new Entry(name, directory)));
    return entries;
  }

  @Override
  public void walk(String dir, BiConsumer<String, Long> file) {
    if (isCovered(dir)) {
      String under = under(dir);
      known.subMap(under, under + Character.MAX_VALUE).forEach(file);
    } else {
      listAll(dir, file);
    }
  }

  @Override
  public long size(String path) throws IOException {
    if (isCovered(path)) {
      Long size = known.get(path);
      if (size == null) {
        throw new NoSuchFileException(where(path));
      }
      return size;
    }
    return head(path).orElseThrow(() -> new NoSuchFileException(where(path))).contentLength();
  }

  @Override
  public InputStream open(String path) throws IOException {
    try {
      return new Aborting(
          client.getObject(b -> b.bucket(location.bucket()).key(location.key(path))));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new NoSuchFileException(where(path));
      }
      throw failures.of("read", path, e);
    } catch (SdkException e) {
      throw failures.of("read", path, e);
    }
  }

  @Override
  public void write(String path, byte[] content) {
    try {
      client.putObject(
          b -> b.bucket(location.bucket()).key(location.key(path)), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw failures.of("write", path, e);
    }
    if (isCovered(path)) {
      known.put(path, (long) content.length);
    }
  }

  @Override
  public boolean delete(String path) {
    if (!isFile(path)) {
      return false;
    }
    try {
      client.deleteObject(b -> b.bucket(location.bucket()).key(location.key(path)));
    } catch (SdkException e) {
      throw failures.of("delete", path, e);
    }
    known.remove(path);
    return true;
  }

  /**
   * One object at a time: a tag's directory holds a few, and a single-object delete needs no
   * checksum header, which S3-compatible servers take or refuse differently for batch deletes.
   */
  @Override
  public void deleteTree(String dir) {
    List<String> paths = new ArrayList<>();
    walk(dir, (path, size) -> paths.add(path));
    for (String path : paths) {
      try {
        client.deleteObject(b -> b.bucket(location.bucket()).key(location.key(path)));
      } catch (SdkException e) {
        throw failures.of("delete", path, e);
      }
      known.remove(path);
    }
  }

  /**
   * S3 has no question that says whether a delete would be allowed without deleting: a delete of a
   * key nothing stores would leave a delete marker in a versioned bucket. A refused delete fails on
   * the first object instead, before anything is removed.
   */
  @Override
  public Optional<String> whyNotRemovable(String dir) {
    return Optional.empty();
  }

  @Override
  public synchronized void refresh(String dir) {
    if (isCovered(dir)) {
      String under = under(dir);
      known.subMap(under, under + Character.MAX_VALUE).clear();
      listAll(dir, known::put);
    }
  }

  @Override
  public void cover(String dir) {
    if (isCovered(dir)) {
      return;
    }
    synchronized (this) {
      if (!isCovered(dir)) {
        listAll(dir, known::put);
        covered.add(dir);
      }
    }
  }

  private void listAll(String dir, BiConsumer<String, Long> file) {
    String under = under(dir);
    try {
      for (ListObjectsV2Response page : pages(under, null)) {
        for (S3Object object : page.contents()) {
          // a key ending in '/' is a console's folder marker, not a file
          if (!object.key().endsWith("/")) {
            file.accept(location.path(object.key()), object.size());
          }
        }
      }
    } catch (SdkException e) {
      throw failures.of("list", under, e);
    }
  }

  /** Every page of the keys under {@code under}, grouped by {@code delimiter} when given. */
  private Iterable<ListObjectsV2Response> pages(String under, String delimiter) {
    return client.listObjectsV2Paginator(
        ListObjectsV2Request.builder()
            .bucket(location.bucket())
            .prefix(location.listPrefix(under))
            .delimiter(delimiter)
            .build());
  }

  private boolean isCovered(String path) {
    if (covered.isEmpty()) {
      return false;
    }
    for (String p = path; !p.isEmpty(); p = parent(p)) {
      if (covered.contains(p)) {
        return true;
      }
    }
    return false;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static String under(String dir) {
    return dir.isEmpty() ? "" : dir + "/";
  }

  private Optional<HeadObjectResponse> head(String path) {
    try {
      return Optional.of(
          client.headObject(b -> b.bucket(location.bucket()).key(location.key(path))));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failures.of("read", path, e);
    } catch (SdkException e) {
      throw failures.of("read", path, e);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  /** Stops the transfer when closed before the end, instead of reading the rest to reuse it. */
  private static final class Aborting extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private boolean ended;

    Aborting(ResponseInputStream<GetObjectResponse> response) {
      super(response);
      this.response = response;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      ended |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      int n = super.read(buffer, off, len);
      ended |= n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (!ended) {
        response.abort();
      }
      super.close();
    }
  }
}
