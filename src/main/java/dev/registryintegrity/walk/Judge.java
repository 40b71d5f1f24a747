package dev.registryintegrity.walk;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a source's answer means for one digest: {@link Lookup} (what the source said) in, {@link
 * Finding} (what it means) out. Pure: no I/O, no state but the limits and the policy, so every rule
 * is a row in a table test. Fails closed: anything not shown intact is a failure or
 * could-not-check.
 */
final class Judge {
  private final WalkLimits limits;
  private final WalkPolicy policy;

  Judge(WalkLimits limits, WalkPolicy policy) {
    this.limits = limits;
    this.policy = policy;
  }

  /**
   * A manifest read by digest (or a tag's, by the digest it resolved to): its body must hash to the
   * digest, agree with Docker-Content-Digest, have the declared size and parse.
   */
  Finding manifest(
      Descriptor descriptor,
      Lookup lookup,
      Optional<Manifest> manifest,
      Optional<String> parseError) {
    if (!(lookup instanceof Lookup.Found found)) {
      return existence(descriptor, lookup);
    }
    byte[] body = found.body().orElse(new byte[0]);
    Digest actual = descriptor.digest().recompute(body);
    if (!actual.equals(descriptor.digest())) {
      return new Finding.DigestDiffers(descriptor.digest(), actual, "the body served");
    }
    Optional<Digest> header = found.reportedDigest();
    if (header.isPresent()
        && header.get().algorithm().equals(actual.algorithm())
        && !header.get().equals(actual)) {
      return new Finding.DigestDiffers(descriptor.digest(), header.get(), "Docker-Content-Digest");
    }
    if (body.length != descriptor.size()) {
      return new Finding.SizeDiffers(descriptor.size(), body.length);
    }
    if (parseError.isPresent()) {
      return new Finding.Malformed(parseError.get());
    }
    Manifest parsed = manifest.orElseThrow();
    if (parsed instanceof Manifest.Schema1) {
      return new Finding.Unsupported(
          "Docker schema1 manifest: current clients refuse it; re-push with a current client");
    }
    if (parsed instanceof Manifest.Index index
        && index.manifests().size() > limits.maxIndexEntries()) {
      return new Finding.LimitExceeded(
          "index lists "
              + index.manifests().size()
              + " manifests, over the limit of "
              + limits.maxIndexEntries()
              + "; not walked");
    }
    List<String> notes = new ArrayList<>(found.notes());
    String declared = ManifestParser.stripParameters(found.mediaType());
    if (MediaTypes.isManifest(declared)
        && MediaTypes.isIndex(declared) != parsed instanceof Manifest.Index) {
      notes.add(
          "Content-Type " + declared + " disagrees with the body; read as " + parsed.mediaType());
    }
    if (parsed instanceof Manifest.Opaque opaque) {
      notes.add("unknown media type " + opaque.mediaType() + ": references not followed");
    }
    return new Finding.Intact(notes, Proof.HASHED);
  }

  /** A blob or a manifest asked about without its body: there, at the declared size and digest. */
  static Finding existence(Descriptor descriptor, Lookup lookup) {
    return switch (lookup) {
      case Lookup.Found found -> {
        if (found.size().isPresent() && found.size().getAsLong() != descriptor.size()) {
          yield new Finding.SizeDiffers(descriptor.size(), found.size().getAsLong());
        }
        Optional<Digest> header = found.reportedDigest();
        if (header.isPresent()
            && header.get().algorithm().equals(descriptor.digest().algorithm())
            && !header.get().equals(descriptor.digest())) {
          // A registry may report a digest in a header; a content check hashes the bytes it read.
          String what =
              found.proof() == Proof.HASHED
                  ? "the hash of the bytes read"
                  : "Docker-Content-Digest";
          yield new Finding.DigestDiffers(descriptor.digest(), header.get(), what);
        }
        List<String> notes = new ArrayList<>(found.notes());
        if (found.size().isEmpty()) {
          notes.add("size not reported");
        }
        yield new Finding.Intact(notes, found.proof());
      }
      case Lookup.Absent absent -> new Finding.Missing(absent.code(), absent.message());
      case Lookup.Unserved unserved -> new Finding.DataMissing(unserved.reason());
      case Lookup.TooLarge tooLarge -> tooLarge(tooLarge.limit());
      case Lookup.Unavailable unavailable -> new Finding.Unreachable(unavailable.reason());
    };
  }

  /**
   * An external layer (descriptor {@code urls}, a foreign or non-distributable type) that the
   * registry does not hold: the registry's 404 is no hole, clients fetch it from its URL.
   */
  static boolean lawfullyAbsent(Descriptor descriptor, Finding finding) {
    return descriptor.isExternal()
        && (finding instanceof Finding.Missing || finding instanceof Finding.DataMissing);
  }

  /**
   * An external layer's verdict: reported as external, or, when its URL was asked ({@code
   * fromUrl}), as what the URL answered.
   */
  static Finding external(Descriptor descriptor, Optional<Lookup> fromUrl) {
    String url = descriptor.urls().isEmpty() ? "" : descriptor.urls().get(0);
    if (fromUrl.isEmpty()) {
      return new Finding.External(url, Optional.empty());
    }
    return switch (fromUrl.get()) {
      case Lookup.Found found ->
          new Finding.External(url, Optional.of("first byte served there, " + found.status()));
      case Lookup.Absent absent -> new Finding.Missing(absent.code(), absent.message());
      default -> existence(descriptor, fromUrl.get());
    };
  }

  /**
   * A referrer's subject, reached upwards from the referrer: gone, it makes the referrer an orphan.
   */
  Finding subject(Descriptor descriptor, Lookup lookup) {
    return lookup instanceof Lookup.Absent
        ? new Finding.OrphanedReferrer(descriptor.digest(), policy.strict())
        : existence(descriptor, lookup);
  }

  /**
   * The manifest a cosign tag names: the tag gives no size or type, so being there is all it shows.
   */
  Finding namedSubject(Digest subject, Lookup lookup) {
    return switch (lookup) {
      case Lookup.Found found -> new Finding.Intact(found.notes(), found.proof());
      case Lookup.Absent absent -> new Finding.OrphanedReferrer(subject, policy.strict());
      default -> existence(Descriptor.of("", subject, -1), lookup);
    };
  }

  /** A body that hashes to its digest can be walked even when its declared size is wrong. */
  static boolean trusted(Finding finding) {
    return finding instanceof Finding.Intact || finding instanceof Finding.SizeDiffers;
  }

  static Finding tooLarge(long limit) {
    return new Finding.LimitExceeded("manifest body is over " + limit + " bytes; not read");
  }
}
