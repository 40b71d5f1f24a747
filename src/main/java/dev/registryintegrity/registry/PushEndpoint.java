package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.registry.transport.RegistryError;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes by digest: a manifest put under its digest, a blob mounted from another repository of the
 * same registry, or uploaded in a session that is committed only when the bytes sent hash to the
 * blob's digest and have its size (otherwise the session is abandoned, so an interrupted or wrong
 * copy leaves nothing a later run has to undo). The one write by tag is a referrers fallback tag
 * ({@code sha256-<hex>}), which only {@code attach} makes.
 */
final class PushEndpoint {
  /** Write answers carry at most an error's JSON. */
  private static final int ERROR_BODY =
      dev.registryintegrity.registry.transport.RegistryTransport.ERROR_BODY_LIMIT;

  private final RegistryConnection connection;

  PushEndpoint(RegistryConnection connection) {
    this.connection = connection;
  }

  /**
   * @param reference where to put it: its digest, or a tag
   * @param digest the digest of {@code bytes}, which the registry must store them as
   */
  PushResult putManifest(
      String repository, String reference, Digest digest, String mediaType, byte[] bytes) {
    HttpResponse r =
        connection.send(
            new HttpRequest(
                    "PUT",
                    connection.uri(repository, "manifests/" + reference),
                    Map.of("Content-Type", mediaType),
                    repository,
                    ERROR_BODY)
                .sending(HttpRequest.Body.of(mediaType, bytes)));
    if (r.status() != 201) {
      return refused(r);
    }
    Optional<Digest> stored = RegistryConnection.reportedDigest(r);
    if (stored.isPresent() && !stored.get().equals(digest)) {
      return new PushResult.Refused(
          "201", "the registry stored the manifest as " + stored.get() + ", not " + digest);
    }
    return new PushResult.Done(indexedSubject(r));
  }

  /** A garbled header is no promise: the caller then keeps the fallback tag itself. */
  private static Optional<Digest> indexedSubject(HttpResponse r) {
    try {
      return r.header("oci-subject").map(String::trim).map(Digest::parse);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * {@code POST .../blobs/uploads/?mount=DIGEST&from=OTHER}: 201 is a mount; 202 means the registry
   * would not (the blob is not there, or the credential may not read {@code from}) and opened an
   * upload session instead, which is abandoned here.
   */
  PushResult mount(String repository, Digest digest, String from) {
    HttpResponse r =
        post(repository, "blobs/uploads/?mount=" + digest + "&from=" + encode(from), Map.of());
    if (r.status() == 201) {
      return PushResult.Done.done();
    }
    if (r.status() == 202) {
      location(r).ifPresent(uri -> abandon(repository, uri));
      return new PushResult.NotMounted("202");
    }
    return refused(r);
  }

  /**
   * Uploads {@code size} bytes from {@code source} as blob {@code digest}: one session, the bytes
   * in one PATCH hashed on the way, the commit only when they match.
   */
  PushResult upload(String repository, Digest digest, long size, HttpRequest.Opener source) {
    HttpResponse started = post(repository, "blobs/uploads/", Map.of());
    Optional<URI> session = location(started);
    if (started.status() != 202 || session.isEmpty()) {
      return refused(started);
    }
    AtomicReference<Hashed> sent = new AtomicReference<>();
    HttpRequest.Opener hashing =
        () -> {
          Hashed stream = new Hashed(source.open(), digest.newHasher());
          sent.set(stream);
          return stream;
        };
    HttpResponse patched;
    try {
      patched =
          connection.send(
              new HttpRequest("PATCH", session.get(), Map.of(), repository, ERROR_BODY)
                  .sending(new HttpRequest.Body("application/octet-stream", size, hashing, false)));
    } catch (CannotCheckException e) {
      abandon(repository, session.get());
      throw e;
    }
    if (patched.status() != 202) {
      abandon(repository, session.get());
      return refused(patched);
    }
    URI next = location(patched).orElse(session.get());
    Hashed stream = sent.get();
    Digest actual = digest.finish(stream.hasher);
    if (stream.count != size || !actual.equals(digest)) {
      abandon(repository, next);
      return new PushResult.WrongBytes(actual, stream.count);
    }
    String query = next.getRawQuery();
    URI commit =
        URI.create(
            next
                + (query == null || query.isEmpty() ? "?" : "&")
                + "digest="
                + encode(digest.toString()));
    HttpResponse committed =
        connection.send(
            new HttpRequest("PUT", commit, Map.of(), repository, ERROR_BODY)
                .sending(HttpRequest.Body.empty()));
    return committed.status() == 201 ? PushResult.Done.done() : refused(committed);
  }

  private HttpResponse post(String repository, String path, Map<String, String> headers) {
    return connection.send(
        new HttpRequest("POST", connection.uri(repository, path), headers, repository, ERROR_BODY)
            .sending(HttpRequest.Body.empty()));
  }

  /** Best effort: a registry purges abandoned sessions itself, this only says so sooner. */
  private void abandon(String repository, URI session) {
    try {
      connection.send(
          new HttpRequest("DELETE", session, Map.of(), repository, ERROR_BODY).forPush());
    } catch (CannotCheckException e) {
      // The session was never committed; the registry's upload purging removes it.
    }
  }

  private Optional<URI> location(HttpResponse r) {
    return r.header("location").map(String::trim).map(l -> r.uri().resolve(l));
  }

  private static PushResult refused(HttpResponse r) {
    Optional<RegistryError> error = RegistryError.parse(r.body());
    String status = r.status() + error.map(e -> " " + e.code()).orElse("");
    return new PushResult.Refused(status, error.map(RegistryError::message).orElse(""));
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The bytes a PATCH sent, counted and hashed as they went. */
  private static final class Hashed extends FilterInputStream {
    final MessageDigest hasher;
    long count;

    Hashed(InputStream in, MessageDigest hasher) {
      super(in);
      this.hasher = hasher;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        hasher.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        hasher.update(buffer, offset, n);
        count += n;
      }
      return n;
    }
  }
}
