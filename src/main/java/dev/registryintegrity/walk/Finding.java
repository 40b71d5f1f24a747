package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.source.Proof;
import java.util.List;
import java.util.Optional;

/** What was found for one checked digest. Rendered by the report, switched over exhaustively. */
public sealed interface Finding {

  /**
   * A failure unless the finding says otherwise: only {@link Intact} is OK and only {@link
   * Unreachable} is unknown, so a finding added later cannot pass an image by omission.
   */
  default Verdict verdict() {
    return Verdict.FAIL;
  }

  /**
   * A stable machine name for the JSON report and metrics: "intact", "missing", ... All of them
   * here, in one exhaustive switch: the list of finding codes in docs/checks-and-reports.md is this
   * list.
   */
  default String code() {
    return switch (this) {
      case Intact f -> "intact";
      case External f -> "external";
      case OrphanedReferrer f -> "orphaned-referrer";
      case Missing f -> "missing";
      case DataMissing f -> "data-missing";
      case SizeDiffers f -> "size-differs";
      case DigestDiffers f -> "digest-differs";
      case TagMoved f -> "tag-moved";
      case PlatformMissing f -> "platform-missing";
      case ReferrerMissing f -> "referrer-missing";
      case Malformed f -> "malformed";
      case Unsupported f -> "unsupported";
      case LimitExceeded f -> "limit-exceeded";
      case Unreachable f -> "unchecked";
    };
  }

  /** One human sentence with the specifics. */
  String detail();

  /**
   * The content is there, the right size, and hashes to its digest where it was read.
   *
   * @param proof how far that was shown: listed, bytes served, or every byte hashed
   */
  record Intact(List<String> notes, Proof proof) implements Finding {
    public Intact {
      notes = List.copyOf(notes);
    }

    @Override
    public Verdict verdict() {
      return Verdict.OK;
    }

    @Override
    public String detail() {
      return String.join("; ", notes);
    }
  }

  /**
   * A layer the registry does not hold because it lives elsewhere by design (Windows base layers,
   * non-distributable content): a client copies the image without it or fetches it from its URL.
   * Not a failure, and not "intact" either: nothing about its bytes was shown unless {@code
   * servedBy} says the URL produced them.
   *
   * @param url the first URL the descriptor names, empty when it names none
   * @param servedBy what the URL answered when it was asked (--check-external), else empty
   */
  record External(String url, Optional<String> servedBy) implements Finding {
    @Override
    public Verdict verdict() {
      return Verdict.OK;
    }

    @Override
    public String detail() {
      String where = url.isEmpty() ? "names no URL" : "is fetched from " + url;
      return "not held by the registry by design; "
          + where
          + servedBy.map(s -> " (" + s + ")").orElse("");
    }
  }

  /**
   * A referrer (signature, SBOM, attestation) whose subject is gone: the artifact itself pulls fine
   * but describes nothing. Retention that deletes images and not their signatures leaves these
   * behind; a warning, a failure only under {@code --strict}.
   */
  record OrphanedReferrer(Digest subject, boolean strict) implements Finding {
    @Override
    public Verdict verdict() {
      return strict ? Verdict.FAIL : Verdict.WARN;
    }

    @Override
    public String detail() {
      return "deleted: the referrer that names it as its subject pulls, but describes nothing";
    }
  }

  /** The source says it is not there: a pull fails here. */
  record Missing(String errorCode, String message) implements Finding {

    @Override
    public String detail() {
      return message.isEmpty()
          ? errorCode
          : errorCode.isEmpty() ? message : errorCode + ": " + message;
    }
  }

  /**
   * The source lists the content but does not serve its bytes (headers, then nothing or too
   * little): what a registry's warm descriptor cache answers for a blob whose storage is gone.
   */
  record DataMissing(String reason) implements Finding {

    @Override
    public String detail() {
      return "listed but its bytes are not served: " + reason;
    }
  }

  /** The stored content has another size than its descriptor declares (truncated or wrong). */
  record SizeDiffers(long declared, long actual) implements Finding {

    @Override
    public String detail() {
      return "size differs: descriptor says " + declared + " bytes, source has " + actual;
    }
  }

  /** The bytes served do not hash to the digest they were requested by. */
  record DigestDiffers(Digest expected, Digest actual, String source) implements Finding {

    @Override
    public String detail() {
      return "content does not match its digest: " + source + " is " + actual;
    }
  }

  /** The tag resolves, but not to the digest that was pushed (overwritten by someone else). */
  record TagMoved(Digest expected, Digest actual) implements Finding {

    @Override
    public String detail() {
      return "tag points to " + actual + ", expected " + expected;
    }
  }

  /** A platform that must be in the index is not. */
  record PlatformMissing(Platform platform) implements Finding {

    @Override
    public String detail() {
      return "platform " + platform + " is not in the index";
    }
  }

  /** No intact referrer of an artifact type the image must have (a signature, an SBOM). */
  record ReferrerMissing(String artifactType) implements Finding {

    @Override
    public String detail() {
      return "no intact referrer of artifact type " + artifactType + " is attached to the image";
    }
  }

  /** The body is not a manifest any client can use. */
  record Malformed(String reason) implements Finding {

    @Override
    public String detail() {
      return "manifest does not parse: " + reason;
    }
  }

  /** Content current clients refuse (Docker schema1). */
  record Unsupported(String reason) implements Finding {

    @Override
    public String detail() {
      return reason;
    }
  }

  /** The graph breaks a safety limit (cycle, depth, size, width): not walked further. */
  record LimitExceeded(String reason) implements Finding {

    @Override
    public String detail() {
      return reason;
    }
  }

  /** Could not find out: the check is broken, not (necessarily) the image. */
  record Unreachable(String reason) implements Finding {
    @Override
    public Verdict verdict() {
      return Verdict.UNKNOWN;
    }

    @Override
    public String detail() {
      return reason;
    }
  }
}
