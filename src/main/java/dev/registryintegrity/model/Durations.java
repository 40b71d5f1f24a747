package dev.registryintegrity.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses human durations as CI settings write them: "90s", "5m", "1h", "7d", "1m30s", "250ms",
 * "45". A value every layer reads (options, plugin settings), so it lives with the values.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /** Nothing we bound runs longer; a bigger number is a typo, not a wish. */
  private static final Duration MAX = Duration.ofDays(7);

  private Durations() {}

  public static Duration parse(String name, String text) {
    return parse(name, text, MAX);
  }

  /**
   * As {@link #parse(String, String)}, for a duration that may be longer: a retention age in days.
   *
   * @param max the longest sensible value; more is a typo
   */
  public static Duration parse(String name, String text, Duration max) {
    String value = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (value.matches("\\d{1,9}")) {
      return bounded(name, text, Duration.ofSeconds(Long.parseLong(value)), max);
    }
    Matcher m = PART.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    if (end != value.length() || value.isEmpty()) {
      throw new InvalidValueException(
          name + " '" + text + "' is not a duration: write e.g. 90s, 5m, 1h or 1m30s");
    }
    return bounded(name, text, total, max);
  }

  /** The shortest way to write {@code d} that {@link #parse} reads back: "10s", "10m", "1h". */
  public static String format(Duration d) {
    long ms = d.toMillis();
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }

  private static Duration bounded(String name, String text, Duration d, Duration max) {
    if (d.isZero()) {
      throw new InvalidValueException(name + " '" + text + "' must be more than zero");
    }
    if (d.compareTo(max) > 0) {
      throw new InvalidValueException(
          name + " '" + text + "' is longer than " + format(max) + ": give a shorter duration");
    }
    return d;
  }
}
