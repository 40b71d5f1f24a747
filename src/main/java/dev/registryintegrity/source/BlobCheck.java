package dev.registryintegrity.source;

import dev.registryintegrity.InputException;
import java.util.Locale;

/**
 * How hard a blob (config or layer) is looked at. A registry's blob descriptor cache answers HEAD
 * with 200 and the right size for a blob whose data is gone, so only a check that makes the
 * registry produce bytes proves a client can pull it.
 */
public enum BlobCheck {
  /** HEAD only: the registry lists the blob. Blind to lost data; for registries that meter GETs. */
  HEAD("listed by the registry (HEAD); cannot see data lost behind a descriptor cache"),
  /** A ranged GET that must deliver the first byte: the registry serves the blob's data. */
  READ("first byte served by the registry (ranged GET); configs downloaded and hashed"),
  /** Every byte downloaded once and hashed against its digest. */
  CONTENT("every byte downloaded and hashed against its digest");

  /** Blobs larger than this are not downloaded whole by a content check unless asked (16 GiB). */
  public static final long DEFAULT_MAX_CONTENT_BYTES = 16L << 30;

  private final String proves;

  BlobCheck(String proves) {
    this.proves = proves;
  }

  /** The name users give and reports print: head, read, content. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One phrase for report headers: what an "intact" blob means under this check. */
  public String proves() {
    return proves;
  }

  /** Parses a user's value; {@code what} names the option or setting in the error. */
  public static BlobCheck parse(String what, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "head" -> HEAD;
      case "read", "range", "" -> READ;
      case "content", "full" -> CONTENT;
      default ->
          throw new InputException(
              what + " '" + value + "' is not known: use head, read (the default) or content");
    };
  }
}
