package dev.registryintegrity.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:hex}, as in the OCI image spec ("Digests" section).
 *
 * <p>Only sha256 and sha512 are accepted: they are the registered algorithms every registry
 * implements, and an unknown algorithm could never be verified.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

  public Digest {
    int expected =
        switch (algorithm) {
          case "sha256" -> 64;
          case "sha512" -> 128;
          default ->
              throw new InvalidValueException(
                  "digest '"
                      + algorithm
                      + ":"
                      + hex
                      + "' uses algorithm '"
                      + algorithm
                      + "', which is not supported: use sha256 or sha512");
        };
    if (hex.length() != expected || !HEX.matcher(hex).matches()) {
      throw new InvalidValueException(
          "digest '"
              + algorithm
              + ":"
              + hex
              + "' is malformed: "
              + algorithm
              + " takes "
              + expected
              + " lowercase hex characters");
    }
  }

  /** Parses {@code sha256:<64 hex>}; the message of a failure names the text given. */
  public static Digest parse(String text) {
    if (text == null) {
      throw new InvalidValueException("digest is missing: expected sha256:<64 hex characters>");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidValueException(
          "digest '" + text + "' is malformed: expected sha256:<64 hex characters>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The sha256 digest of the given bytes. */
  public static Digest sha256Of(byte[] content) {
    return of("sha256", content);
  }

  /** The digest of {@code content} in the same algorithm as this one. */
  public Digest recompute(byte[] content) {
    return of(algorithm, content);
  }

  /** Whether {@code content} hashes to exactly this digest. */
  public boolean matches(byte[] content) {
    return recompute(content).equals(this);
  }

  public MessageDigest newHasher() {
    return hasher(algorithm);
  }

  /** What {@code hasher} (one of {@link #newHasher()}) computed, as a digest of this algorithm. */
  public Digest finish(MessageDigest hasher) {
    return new Digest(algorithm, HexFormat.of().formatHex(hasher.digest()));
  }

  @Override
  public int compareTo(Digest other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  private static Digest of(String algorithm, byte[] content) {
    return new Digest(algorithm, HexFormat.of().formatHex(hasher(algorithm).digest(content)));
  }

  private static MessageDigest hasher(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      // Every Java runtime must provide SHA-256 and SHA-512 (java.security.MessageDigest docs).
      throw new IllegalStateException(e);
    }
  }
}
