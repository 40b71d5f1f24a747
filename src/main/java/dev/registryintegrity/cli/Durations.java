package dev.registryintegrity.cli;

import dev.registryintegrity.InputException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human durations as CI settings write them: "90s", "5m", "1h", "1m30s", "250ms", "45". */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String name, String text) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (value.matches("\\d+")) {
      return positive(name, text, Duration.ofSeconds(Long.parseLong(value)));
    }
    Matcher m = PART.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
      end = m.end();
    }
    if (end != value.length() || value.isEmpty()) {
      throw new InputException(name + " '" + text + "' is not a duration: write e.g. 90s, 5m, 1h or 1m30s");
    }
    return positive(name, text, total);
  }

  private static Duration positive(String name, String text, Duration d) {
    if (d.isZero()) {
      throw new InputException(name + " '" + text + "' must be more than zero");
    }
    return d;
  }
}
