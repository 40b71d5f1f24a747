package dev.registryintegrity.report;

/**
 * The Prometheus text exposition format (0.0.4) as the probe and the receiver write it: one metric
 * name prefix, and label values that can carry nothing but text.
 */
public final class Exposition {
  /**
   * Every metric's name starts so; the first of them are the shell probe's, kept for its alerts.
   */
  public static final String PREFIX = "registry_manifest_integrity_";

  private Exposition() {}

  /**
   * A label value: escaped for the terminal first (a label is shown on dashboards and in alerts),
   * then for the exposition format, whose only specials are backslash, quote and newline.
   */
  public static String label(String value) {
    return Text.safe(value).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /**
   * One sample of a per-tag series (the receiver's and the probe's), {@code labels} being the
   * series' own labels ({@code instance="..."}) without braces.
   */
  public static void tagSample(
      StringBuilder out, String name, String labels, String repository, String tag, long value) {
    out.append(PREFIX)
        .append(name)
        .append('{')
        .append(labels)
        .append(",repository=\"")
        .append(label(repository))
        .append("\",tag=\"")
        .append(label(tag))
        .append("\"} ")
        .append(value)
        .append('\n');
  }

  /** The {@code # HELP} and {@code # TYPE} lines of a metric. */
  public static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(PREFIX).append(name).append(' ').append(type).append('\n');
  }
}
