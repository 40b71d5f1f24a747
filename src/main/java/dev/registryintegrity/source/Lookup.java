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
   */
  record Found(
      String status,
      String mediaType,
      OptionalLong size,
      Optional<Digest> reportedDigest,
      Optional<byte[]> body,
      List<String> notes)
      implements Lookup {
    public Found {
      notes = List.copyOf(notes);
    }
  }

  /**
   * The source says, definitively, that the content is not there.
   *
   * @param digest what a tag pointed to, when the tag resolved but its manifest is not served
   */
  record Absent(String status, String code, String message, Optional<Digest> digest) implements Lookup {
    public Absent(String status, String code, String message) {
      this(status, code, message, Optional.empty());
    }
  }

  /** The content is there but bigger than the walker is willing to read. */
  record TooLarge(String status, long limit) implements Lookup {}

  /** The source could not answer: network, TLS, credentials, persistent server errors. */
  record Unavailable(String status, String reason) implements Lookup {}
}
