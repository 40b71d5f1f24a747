package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Blobs, as hard as asked: listed (HEAD), first byte served (a ranged GET), or every byte read and
 * hashed; and an external layer's first byte from its own URL, without any registry's credential.
 */
final class BlobEndpoint {
  private final RegistryConnection connection;
  private volatile long contentLimit = BlobCheck.DEFAULT_MAX_CONTENT_BYTES;
  private volatile java.util.function.LongConsumer bytesRead = n -> {};

  BlobEndpoint(RegistryConnection connection) {
    this.connection = connection;
  }

  Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    return connection.ask(
        () ->
            switch (check) {
              case HEAD -> headBlob(repository, digest);
              case READ -> readFirstByte(repository, digest, List.of());
              case CONTENT -> readContent(repository, digest);
            });
  }

  private Lookup headBlob(String repository, Digest digest) {
    String path = "blobs/" + digest;
    HttpResponse r = connection.send("HEAD", repository, path, Map.of(), 0);
    if (r.status() == 200) {
      return connection.found(r, r.contentLength(), Optional.empty(), List.of(), Proof.LISTED);
    }
    if (headRefused(r)) {
      // Some storage back ends behind a redirect (S3 presigned GET URLs) and some registries
      // refuse HEAD; a one-byte ranged GET proves the blob is served without downloading it.
      return readFirstByte(
          repository,
          digest,
          List.of("HEAD answered " + r.status() + "; checked with a ranged GET"));
    }
    HttpResponse get = connection.errorBody(path, repository, Map.of("Range", "bytes=0-0"));
    if ((get.status() == 206 || get.status() == 200) && get.bodyLength() > 0) {
      return connection.disagreeingHead(r, get, Proof.SERVED);
    }
    return connection.notFound(r, get);
  }

  Lookup checkExternal(Descriptor descriptor) {
    Optional<URI> url =
        descriptor.urls().stream().map(BlobEndpoint::httpUrl).flatMap(Optional::stream).findFirst();
    if (url.isEmpty()) {
      return descriptor.urls().isEmpty()
          ? new Lookup.Absent(
              "-",
              "NO_URL",
              "not in the registry, and its descriptor names no URL to fetch it from")
          : new Lookup.Absent(
              "-", "NO_URL", "not in the registry, and its descriptor names no http(s) URL");
    }
    String host = url.get().getAuthority();
    try {
      HttpResponse r =
          connection
              .transport()
              .sendAnonymous(
                  host, new HttpRequest("GET", url.get(), Map.of("Range", "bytes=0-0"), "", 1));
      String status = String.valueOf(r.status());
      if ((r.status() == 206 || r.status() == 200) && r.bodyLength() > 0) {
        return new Lookup.Found(
            status,
            r.header("content-type").orElse(""),
            OptionalLong.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Proof.SERVED);
      }
      if (r.status() == 206 || r.status() == 200) {
        return new Lookup.Unserved(
            status, host + " answered " + status + " but " + r.bodyError().orElse("sent no byte"));
      }
      if (r.status() == 404 || r.status() == 410 || r.status() == 403) {
        return new Lookup.Absent(
            status, "EXTERNAL_UNSERVED", host + " does not serve it (" + status + ")");
      }
      return new Lookup.Unavailable(
          status, host + " answered " + status + " for the external layer");
    } catch (CannotCheckException e) {
      return new Lookup.Unavailable("-", e.getMessage());
    }
  }

  private static Optional<URI> httpUrl(String text) {
    try {
      URI uri = new URI(text.trim());
      String scheme =
          uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
          ? Optional.of(uri)
          : Optional.empty();
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * A ranged GET for the first byte, which the registry must deliver: a descriptor cache answers
   * HEAD (and the headers of a GET) for a blob whose data is gone, but cannot make up its bytes.
   * One request, one byte, wherever the blob is served from (redirects are followed).
   */
  private Lookup readFirstByte(String repository, Digest digest, List<String> notes) {
    String path = "blobs/" + digest;
    HttpResponse r = connection.send("GET", repository, path, Map.of("Range", "bytes=0-0"), 1);
    List<String> more = new java.util.ArrayList<>(notes);
    if (r.status() == 416) {
      OptionalLong total = connection.rangeTotal(r);
      if (total.isPresent() && total.getAsLong() == 0) {
        // An empty blob has no byte 0 to serve; Range is unsatisfiable and that is the answer.
        return connection.found(r, total, Optional.empty(), more, Proof.SERVED);
      }
      more.add("Range refused (416); first byte read from a plain GET");
      r = connection.send("GET", repository, path, Map.of(), 1);
    }
    if (r.status() == 206 || r.status() == 200) {
      OptionalLong size = r.status() == 206 ? connection.rangeTotal(r) : r.contentLength();
      if (r.status() == 200 && r.truncated()) {
        more.add("Range ignored (200): first byte read, connection dropped");
      }
      boolean empty = size.isPresent() && size.getAsLong() == 0;
      if (r.bodyError().isPresent() || (r.bodyLength() == 0 && !empty)) {
        return new Lookup.Unserved(
            String.valueOf(r.status()),
            "the registry answered "
                + r.status()
                + (size.isPresent() ? " for a " + size.getAsLong() + "-byte blob" : "")
                + " but "
                + r.bodyError().orElse("sent no byte of it"));
      }
      return connection.found(r, size, Optional.empty(), more, Proof.SERVED);
    }
    return connection.notFound(r, r);
  }

  /** Every byte, streamed through a hasher once (never held in memory). */
  private Lookup readContent(String repository, Digest digest) {
    return readContent(repository, new HttpRequest.Hashing(digest, contentLimit, bytesRead));
  }

  /**
   * Every byte of {@code hashing.expected()} streamed through a hasher (and to its file, when it
   * names one), judged as a content check: only a {@link Proof#HASHED} answer read it all.
   */
  private Lookup readContent(String repository, HttpRequest.Hashing hashing) {
    HttpResponse r =
        connection.send(
            new HttpRequest(
                "GET",
                connection.uri(repository, "blobs/" + hashing.expected()),
                Map.of(),
                repository,
                0,
                Optional.of(hashing)));
    if (r.status() != 200) {
      return connection.notFound(r, r);
    }
    OptionalLong announced = r.contentLength();
    if (r.bodyError().isPresent()) {
      return new Lookup.Unserved(
          "200",
          "the registry answered 200"
              + (announced.isPresent() ? " for " + announced.getAsLong() + " bytes" : "")
              + " but "
              + r.bodyError().get());
    }
    if (r.truncated()) {
      return connection.found(
          r,
          OptionalLong.of(r.bodyLength()),
          Optional.empty(),
          List.of("sent more than " + hashing.maxBytes() + " bytes: stopped reading, not hashed"),
          Proof.SERVED);
    }
    return connection.found(
        r, OptionalLong.of(r.bodyLength()), r.bodyDigest(), List.of(), Proof.HASHED);
  }

  /**
   * Every byte written to {@code file} while it is hashed, at most {@code maxBytes}: a copy of the
   * blob that never sits in memory. Only a {@link Proof#HASHED} answer whose digest is {@code
   * digest} left a good copy.
   */
  Lookup download(
      String repository,
      Digest digest,
      java.nio.file.Path file,
      long maxBytes,
      java.util.function.LongConsumer progress) {
    return connection.ask(
        () ->
            readContent(
                repository,
                new HttpRequest.Hashing(digest, maxBytes, progress, Optional.of(file))));
  }

  /** A blob's bytes (a config, to learn when an image was built), at most {@code maxBytes}. */
  Optional<byte[]> fetchBlob(String repository, Digest digest, int maxBytes) {
    HttpResponse r = connection.send("GET", repository, "blobs/" + digest, Map.of(), maxBytes);
    return r.status() == 200 && !r.truncated() ? Optional.of(r.body()) : Optional.empty();
  }

  private static boolean headRefused(HttpResponse r) {
    return r.status() == 405
        || r.status() == 501
        || ((r.status() == 403 || r.status() == 400) && r.body().length == 0);
  }

  /**
   * Content checks read at most {@code maxBytes} of a blob (a server may stream without end) and
   * tell {@code progress} of every chunk.
   */
  void contentReads(long maxBytes, java.util.function.LongConsumer progress) {
    this.contentLimit = maxBytes;
    this.bytesRead = progress;
  }
}
