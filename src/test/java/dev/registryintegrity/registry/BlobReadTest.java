package dev.registryintegrity.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.RawHttpServer;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.TransportSettings;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.verify.CheckSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** How a blob answer is read: what counts as served, hashed, or listed without its bytes. */
class BlobReadTest {
  private static final byte[] CONTENT =
      "registry-integrity blob content".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256Of(CONTENT);

  private static Lookup check(BlobCheck check, Function<RawHttpServer.Request, String> answer)
      throws Exception {
    try (RawHttpServer server = new RawHttpServer(RawHttpServer.writing(answer))) {
      TransportSettings settings =
          CheckSettings.builder(Spelling.CLI)
              .retries(1)
              .connectTimeout(Duration.ofSeconds(2))
              .readTimeout(Duration.ofSeconds(2))
              .build()
              .transport();
      try (RegistryClient client =
          new RegistryClient(
              server.host(),
              URI.create("http://" + server.host()),
              new RegistryTransport(settings, Clock.systemUTC(), d -> {}))) {
        return client.checkBlob("team/app", DIGEST, check);
      }
    }
  }

  private static String headers(String status, String... lines) {
    return "HTTP/1.1 "
        + status
        + "\r\n"
        + String.join("\r\n", lines)
        + (lines.length == 0 ? "" : "\r\n")
        + "\r\n";
  }

  private static String body() {
    return new String(CONTENT, StandardCharsets.ISO_8859_1);
  }

  @Test
  void rangedAnswerWithItsByteIsServedWithTheSizeFromContentRange() throws Exception {
    Lookup lookup =
        check(
            BlobCheck.READ,
            r ->
                headers(
                        "206 Partial Content",
                        "Content-Length: 1",
                        "Content-Range: bytes 0-0/" + CONTENT.length)
                    + "r");
    Lookup.Found found = assertInstanceOf(Lookup.Found.class, lookup);
    assertEquals(Proof.SERVED, found.proof());
    assertEquals(CONTENT.length, found.size().getAsLong());
  }

  @Test
  void headersAndThenEndOfStreamIsUnservedNotUnavailable() throws Exception {
    Lookup lookup =
        check(
            BlobCheck.READ,
            r ->
                headers(
                    "206 Partial Content",
                    "Content-Length: 1",
                    "Content-Range: bytes 0-0/" + CONTENT.length));
    Lookup.Unserved unserved = assertInstanceOf(Lookup.Unserved.class, lookup);
    assertTrue(
        unserved
            .reason()
            .contains("broke off after 0 bytes (the server closed the connection early)"),
        unserved.reason());
    assertTrue(
        unserved.reason().contains("for a " + CONTENT.length + "-byte blob"), unserved.reason());
  }

  @Test
  void anEmptyBodyWhereBytesWereAnnouncedIsUnserved() throws Exception {
    Lookup lookup = check(BlobCheck.READ, r -> headers("200 OK", "Content-Length: 0"));
    // Content-Length 0 for a blob is an empty blob; a 200 with no length and no byte is not.
    assertInstanceOf(Lookup.Found.class, lookup);
    Lookup chunkedNothing =
        check(BlobCheck.READ, r -> headers("200 OK", "Transfer-Encoding: chunked") + "0\r\n\r\n");
    assertInstanceOf(Lookup.Unserved.class, chunkedNothing);
  }

  @Test
  void contentCheckOfAShortBodySaysHowManyBytesCame() throws Exception {
    Lookup lookup =
        check(
            BlobCheck.CONTENT,
            r -> headers("200 OK", "Content-Length: " + CONTENT.length) + body().substring(0, 10));
    Lookup.Unserved unserved = assertInstanceOf(Lookup.Unserved.class, lookup);
    assertTrue(unserved.reason().contains("broke off after 10 bytes"), unserved.reason());
  }

  @Test
  void contentCheckHashesTheBytesItRead() throws Exception {
    Lookup lookup =
        check(
            BlobCheck.CONTENT,
            r -> headers("200 OK", "Content-Length: " + CONTENT.length) + body());
    Lookup.Found found = assertInstanceOf(Lookup.Found.class, lookup);
    assertEquals(Proof.HASHED, found.proof());
    assertEquals(DIGEST, found.reportedDigest().orElseThrow());

    Lookup other =
        check(
            BlobCheck.CONTENT,
            r ->
                headers(
                        "200 OK",
                        "Content-Length: " + CONTENT.length,
                        "Docker-Content-Digest: " + DIGEST)
                    + body().toUpperCase());
    // The bytes' own hash is reported, never the header's claim.
    assertEquals(
        Digest.sha256Of(body().toUpperCase().getBytes(StandardCharsets.ISO_8859_1)),
        assertInstanceOf(Lookup.Found.class, other).reportedDigest().orElseThrow());
  }

  @Test
  void rangeNotSatisfiableForAnEmptyBlobIsAnEmptyBlob() throws Exception {
    Lookup lookup =
        check(
            BlobCheck.READ,
            r ->
                headers(
                    "416 Range Not Satisfiable", "Content-Range: bytes */0", "Content-Length: 0"));
    Lookup.Found found = assertInstanceOf(Lookup.Found.class, lookup);
    assertEquals(0, found.size().getAsLong());
  }

  @Test
  void rangeRefusedForANonEmptyBlobFallsBackToAPlainGet() throws Exception {
    Lookup lookup =
        check(
            BlobCheck.READ,
            r ->
                r.header("Range") != null
                    ? headers(
                        "416 Range Not Satisfiable",
                        "Content-Range: bytes */" + CONTENT.length,
                        "Content-Length: 0")
                    : headers("200 OK", "Content-Length: " + CONTENT.length) + body());
    Lookup.Found found = assertInstanceOf(Lookup.Found.class, lookup);
    assertEquals(CONTENT.length, found.size().getAsLong());
    assertTrue(
        found.notes().contains("Range refused (416); first byte read from a plain GET"),
        found.notes().toString());
  }

  @Test
  void aMissingBlobKeepsTheRegistrysErrorCodeFromTheGetBody() throws Exception {
    String error =
        "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}";
    Lookup lookup =
        check(
            BlobCheck.READ,
            r ->
                headers(
                        "404 Not Found",
                        "Content-Type: application/json",
                        "Content-Length: " + error.length())
                    + error);
    Lookup.Absent absent = assertInstanceOf(Lookup.Absent.class, lookup);
    assertEquals("BLOB_UNKNOWN", absent.code());
  }
}
