package dev.registryintegrity.source;

import dev.registryintegrity.model.Digest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** What a {@link ContentSource} answered about one piece of content. */
public sealed interface Lookup {

  /** How the answer is shown in the report's status column: "200", "404 BLOB_UNKNOWN", "file". */
  String status();

  /**
   * The content is there.
   *
   * @param size the size the source reports (Content-Length, file size), when it reports one
   * @param reportedDigest the digest the source claims (Docker-Content-Digest), when it sends one
   * @param body the bytes, for manifest fetches; empty for existence checks
   * @param notes facts worth a mention that are not failures ("size not reported", fallbacks)
   * @param proof what this answer proves; a body (manifests) is hashed by the walker itself, and a
   *     {@link Proof#HASHED} answer's {@code reportedDigest} is the digest of the bytes read
   */
  record Found(
      String status,
      String mediaType,
      OptionalLong size,
      Optional<Digest> reportedDigest,
      Optional<byte[]> body,
      List<String> notes,
      Proof proof)
      implements Lookup {
    public Found {
      notes = List.copyOf(notes);
    }

    /** An answer with a body (a manifest): the walker hashes the body, so it proves as much. */
    public static Found withBody(
        String status,
        String mediaType,
        Optional<Digest> reportedDigest,
        byte[] body,
        List<String> notes) {
      return new Found(
          status,
          mediaType,
          OptionalLong.of(body.length),
          reportedDigest,
          Optional.of(body),
          notes,
          Proof.HASHED);
    }
  }

  /**
   * The source lists the content but cannot produce its bytes: headers and then nothing, a short
   * body, a reset after the headers. A warm descriptor cache in front of lost storage does this; a
   * pull fails here, so it is an integrity failure, not "could not check".
   */
  record Unserved(String status, String reason) implements Lookup {}

  /**
   * The source says, definitively, that the content is not there.
   *
   * @param digest what a tag pointed to, when the tag resolved but its manifest is not served
   */
  record Absent(String status, String code, String message, Optional<Digest> digest)
      implements Lookup {
    public Absent(String status, String code, String message) {
      this(status, code, message, Optional.empty());
    }
  }

  /** The content is there but bigger than the walker is willing to read. */
  record TooLarge(String status, long limit) implements Lookup {}

  /** The source could not answer: network, TLS, credentials, persistent server errors. */
  record Unavailable(String status, String reason) implements Lookup {}
}
