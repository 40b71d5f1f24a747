package dev.registryintegrity.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes as people write them: "512", "64k", "10MiB", "16G", "1.5GB" (powers of 1024). */
public final class ByteSize {
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,12}(?:\\.\\d{1,3})?)\\s*([kmgt]?)(?:i?b)?");

  private ByteSize() {}

  public static long parse(String name, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new InvalidValueException(
          name + " '" + text + "' is not a size: write e.g. 512MiB, 10G or 1048576");
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes < 1 || bytes > (double) (1L << 50)) {
      throw new InvalidValueException(
          name + " '" + text + "' is out of range: give a size from 1 byte to 1 PiB");
    }
    return (long) bytes;
  }

  /** "1.5 GiB", "12 KiB", "300 B": for progress lines and notes. */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
