package dev.registryintegrity.report;

/**
 * The one way text from a registry, a manifest, a file or a setting reaches a terminal, a CI log,
 * stderr or a Prometheus label: control characters (C0, DEL, C1: ESC, CR, LF, BEL ...), line and
 * paragraph separators, bidi overrides and other invisible formatting characters are shown escaped
 * ({@code \x1b}, {@code \u202e}), and long strings are cut with a marker. So no answer can colour
 * the log, move the cursor, or start a line that looks like our verdict.
 *
 * <p>The JSON report keeps exact values: JSON's own escaping is enough there.
 */
public final class Text {
  /** Longer than any digest, path or registry message worth reading in a one-line report. */
  public static final int MAX_LENGTH = 400;

  private Text() {}

  /** {@code noun} as {@code n} of it is said: "1 repository", "2 repositories", "3 tags". */
  public static String plural(String noun, long n) {
    if (n == 1) {
      return noun;
    }
    return noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
  }

  /** {@code n} and the noun: "1 tag", "2 tags". */
  public static String count(long n, String noun) {
    return n + " " + plural(noun, n);
  }

  public static String safe(String text) {
    return safe(text, MAX_LENGTH);
  }

  public static String safe(String text, int maxLength) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength) + 16);
    int shown = 0;
    int i = 0;
    while (i < text.length()) {
      if (shown >= maxLength) {
        out.append("...[")
            .append(text.codePointCount(i, text.length()))
            .append(" more characters cut]");
        break;
      }
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      shown++;
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
        out.append(String.format("\\x%02x", cp));
      } else if (invisible(cp)) {
        out.append(cp > 0xffff ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /** Characters that change how a line looks without showing themselves. */
  private static boolean invisible(int cp) {
    int type = Character.getType(cp);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE
        || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED;
  }
}
