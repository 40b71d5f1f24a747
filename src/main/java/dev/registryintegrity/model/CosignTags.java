package dev.registryintegrity.model;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * cosign's tag scheme, the one place that knows it: a signature, attestation or SBOM of the
 * manifest {@code sha256:<hex>} is tagged {@code sha256-<hex>.sig}, {@code .att} or {@code .sbom}
 * in the same repository. The manifest under such a tag names no {@code subject}: the tag is the
 * only link to what it describes.
 */
public final class CosignTags {
  /**
   * One kind of cosign tag.
   *
   * @param suffix what follows the digest in the tag
   * @param role what a manifest under it is, as reports name it
   * @param artifactType the type cosign gives the same artifact as an OCI 1.1 referrer
   */
  public record Scheme(String suffix, String role, String artifactType) {}

  public static final List<Scheme> SCHEMES =
      List.of(
          new Scheme(".sig", "signature", "application/vnd.dev.cosign.artifact.sig.v1+json"),
          new Scheme(".att", "attestation", "application/vnd.dev.cosign.artifact.att.v1+json"),
          new Scheme(".sbom", "sbom", "application/vnd.dev.cosign.artifact.sbom.v1+json"));

  private static final Pattern FALLBACK = Pattern.compile("(sha256)-([0-9a-f]{64})");

  private static final Pattern TAG =
      Pattern.compile("(sha256|sha512)-([0-9a-f]{64}|[0-9a-f]{128})\\.(sig|att|sbom)");

  private CosignTags() {}

  /** The tag under which cosign records {@code scheme}'s artifact of {@code subject}. */
  public static String tagFor(Digest subject, Scheme scheme) {
    return fallbackTag(subject) + scheme.suffix();
  }

  /**
   * The OCI 1.1 referrers fallback tag of {@code subject}: {@code sha256-<hex>}, cut to the 128
   * characters a tag may have (a sha512 digest's is longer), as the distribution spec says.
   */
  public static String fallbackTag(Digest subject) {
    String tag = subject.algorithm() + "-" + subject.hex();
    return tag.length() > 128 ? tag.substring(0, 128) : tag;
  }

  /** Whether a tag could be a referrers fallback tag or a cosign tag (names a digest). */
  public static boolean namesDigest(String tag) {
    return tag.startsWith("sha256-") || tag.startsWith("sha512-");
  }

  /**
   * The manifest a referrer tag belongs to: a cosign tag's subject, or the digest a referrers
   * fallback tag ({@code sha256-<hex>}) is named after. Such a tag is no image of its own: it stays
   * and goes with its subject.
   */
  public static Optional<Digest> referrerTagSubject(String tag) {
    Optional<Digest> cosign = subjectOf(tag);
    if (cosign.isPresent()) {
      return cosign;
    }
    Matcher m = FALLBACK.matcher(tag);
    return m.matches() ? Optional.of(new Digest(m.group(1), m.group(2))) : Optional.empty();
  }

  /** The manifest a cosign tag describes, when {@code tag} is one. */
  public static Optional<Digest> subjectOf(String tag) {
    Matcher m = TAG.matcher(tag);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(m.group(1) + ":" + m.group(2)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The artifact type cosign gives a role ("signature"), when it is one of cosign's. */
  public static Optional<String> artifactType(String role) {
    return SCHEMES.stream()
        .filter(s -> s.role().equals(role))
        .map(Scheme::artifactType)
        .findFirst();
  }
}
