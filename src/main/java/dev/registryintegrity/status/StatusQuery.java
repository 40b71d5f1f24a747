package dev.registryintegrity.status;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The page's two parameters, {@code q} (a filter on names) and {@code page}, read leniently. */
public record StatusQuery(String filter, int page) {
  /** A filter longer than any repository name is cut: it could match nothing anyway. */
  private static final int MAX_FILTER = 256;

  public static StatusQuery of(URI uri) {
    String filter = "";
    int page = 1;
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (key.equals("q")) {
          filter = value.strip();
        } else if (key.equals("page")) {
          try {
            page = Integer.parseInt(value.strip());
          } catch (NumberFormatException e) {
            page = 1;
          }
        }
      }
    }
    return new StatusQuery(
        filter.length() > MAX_FILTER ? filter.substring(0, MAX_FILTER) : filter, Math.max(1, page));
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
