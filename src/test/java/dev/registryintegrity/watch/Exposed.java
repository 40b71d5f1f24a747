package dev.registryintegrity.watch;

/** Reads the receiver's {@code /metrics} text the way a scraper does, one sample at a time. */
final class Exposed {
  private Exposed() {}

  /**
   * The value of {@code sample} (a name without the common prefix, with its labels), or "(none)"
   * when the exposition has no such series.
   */
  static String value(String exposition, String sample) {
    return exposition
        .lines()
        .filter(l -> l.startsWith("registry_manifest_integrity_" + sample + " "))
        .findFirst()
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .orElse("(none)");
  }
}
