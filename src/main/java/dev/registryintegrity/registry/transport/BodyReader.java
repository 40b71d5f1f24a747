package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.http.Header;

/**
 * An answer's body, read as the request wants it: kept up to its limit, or streamed through a
 * hasher (blob content checks) and never held; decoded when the server compressed it though asked
 * not to, every limit applying to the decoded bytes; and a body that breaks off reported as part of
 * the answer, in our words.
 */
final class BodyReader {
  private BodyReader() {}

  static boolean decodable(String encoding) {
    return encoding.equals("gzip") || encoding.equals("x-gzip") || encoding.equals("deflate");
  }

  /**
   * The body as the client would see it: a gzip or deflate answer is inflated, and every limit
   * applies to the inflated bytes, so a compression bomb costs at most the limit.
   */
  private static InputStream decoded(InputStream raw, String encoding) throws IOException {
    return switch (encoding) {
      case "gzip", "x-gzip" -> new java.util.zip.GZIPInputStream(raw);
      case "deflate" -> new java.util.zip.InflaterInputStream(raw);
      default -> raw;
    };
  }

  /**
   * Reads what the request wants of a body. Once the headers are in, a body that breaks off (a
   * reset, fewer bytes than Content-Length) is part of the answer, not a failed exchange: a
   * registry whose storage lost a blob's data sends its headers and then nothing.
   */
  static Body read(
      InputStream content, Runnable abandon, HttpRequest request, int status, String encoding) {
    byte[] kept = new byte[0];
    long length = 0;
    boolean truncated = false;
    boolean success = status >= 200 && status < 300;
    // An error answer is kept for its JSON error code, whatever the request wanted of a body.
    int maxKept =
        success
            ? request.maxBody()
            : Math.max(request.maxBody(), RegistryTransport.ERROR_BODY_LIMIT);
    java.security.MessageDigest hasher =
        success ? request.hashing().map(h -> h.expected().newHasher()).orElse(null) : null;
    try (InputStream in = decoded(content, encoding)) {
      if (hasher == null) {
        kept = in.readNBytes(maxKept + 1);
        length = kept.length;
        truncated = kept.length > maxKept;
        if (truncated) {
          kept = java.util.Arrays.copyOf(kept, maxKept);
        }
      } else {
        HttpRequest.Hashing hashing = request.hashing().get();
        try (java.io.OutputStream copy = copyTo(hashing)) {
          byte[] buffer = new byte[64 * 1024];
          int n;
          while (!truncated && (n = in.read(buffer)) > 0) {
            hasher.update(buffer, 0, n);
            copy.write(buffer, 0, n);
            length += n;
            hashing.progress().accept(n);
            truncated = length > hashing.maxBytes();
          }
        }
      }
      if (truncated) {
        // Abandoned without reading on: the rest is not downloaded.
        abandon.run();
      }
    } catch (IOException e) {
      abandon.run();
      return new Body(kept, length, truncated, Optional.empty(), Optional.of(brokenOff(length, e)));
    }
    Optional<dev.registryintegrity.model.Digest> digest =
        hasher == null || truncated
            ? Optional.empty()
            : Optional.of(request.hashing().get().expected().finish(hasher));
    return new Body(kept, length, truncated, digest, Optional.empty());
  }

  /**
   * The answer as the layers above see it, whichever wire it came on.
   *
   * @param received the headers as sent
   * @param body reads the body, given its content encoding
   */
  static HttpResponse answer(
      int status,
      Header[] received,
      URI uri,
      String protocol,
      java.util.function.Function<String, Body> body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Header h : received) {
      headers
          .computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.getValue());
    }
    String encoding =
        headers
            .getOrDefault("content-encoding", List.of("identity"))
            .get(0)
            .trim()
            .toLowerCase(Locale.ROOT);
    Body read = body.apply(encoding);
    List<String> notes =
        encoding.equals("identity") || encoding.isEmpty()
            ? List.of()
            : List.of(
                "the registry sent a "
                    + encoding
                        .replaceAll("[^a-z0-9.+-]", "?")
                        .substring(0, Math.min(20, encoding.length()))
                    + "-encoded answer though asked for identity"
                    + (decodable(encoding) ? "; decoded" : "; read as sent"));
    return new HttpResponse(
        status,
        headers,
        read.kept(),
        read.truncated(),
        uri,
        notes,
        read.length(),
        read.digest(),
        read.error(),
        protocol);
  }

  /** Where a copied body goes, written anew: a retried attempt starts the file again. */
  private static java.io.OutputStream copyTo(HttpRequest.Hashing hashing) throws IOException {
    return hashing.copyTo().isPresent()
        ? new java.io.BufferedOutputStream(
            java.nio.file.Files.newOutputStream(hashing.copyTo().get()), 64 * 1024)
        : java.io.OutputStream.nullOutputStream();
  }

  private static String brokenOff(long length, IOException e) {
    return "the body broke off after "
        + length
        + " byte"
        + (length == 1 ? "" : "s")
        + " ("
        + brief(e)
        + ")";
  }

  /** Our words for why a body broke off; a library's message is not for the report. */
  private static String brief(IOException e) {
    if (e instanceof StreamedAnswer.EndedEarly) {
      return "the server ended the HTTP/2 stream early";
    }
    if (e instanceof org.apache.hc.core5.http2.H2StreamResetException) {
      return "the server reset the HTTP/2 stream";
    }
    if (e instanceof org.apache.hc.core5.http.ConnectionClosedException
        || e instanceof org.apache.hc.core5.http.MalformedChunkCodingException) {
      return "the server closed the connection early";
    }
    if (e instanceof SocketTimeoutException) {
      return "no data within the read timeout";
    }
    if (e instanceof java.net.SocketException) {
      return "the connection was reset";
    }
    return "read failed";
  }

  record Body(
      byte[] kept,
      long length,
      boolean truncated,
      Optional<dev.registryintegrity.model.Digest> digest,
      Optional<String> error) {
    static final Body EMPTY = new Body(new byte[0], 0, false, Optional.empty(), Optional.empty());

    /** A body that broke off before its first byte could be read. */
    static Body brokenOff(long length, IOException e) {
      return new Body(
          new byte[0],
          length,
          false,
          Optional.empty(),
          Optional.of(BodyReader.brokenOff(length, e)));
    }
  }
}
