package dev.registryintegrity.walk;

/**
 * How many checked digests came out which way: the one count every output uses (the text and JSON
 * summaries, the probe's gauges, the receiver's per-tag series), so no two disagree.
 *
 * <p>External layers and warnings are counted apart from intact: they prove less, and say so.
 */
public final class Tally {
  private int intact;
  private int external;
  private int warned;
  private int failed;
  private int unchecked;

  /**
   * Every unique digest of an image, and its image-level failures (a moved tag, a missing
   * platform).
   */
  public static Tally of(ImageResult image) {
    Tally tally = new Tally();
    Graphs.forEachUnique(image.root(), (node, path) -> tally.add(node.finding()));
    image.imageFindings().stream().filter(f -> f.verdict() == Verdict.FAIL).forEach(tally::add);
    return tally;
  }

  public void add(Finding finding) {
    switch (finding.verdict()) {
      case OK -> {
        if (finding instanceof Finding.External) {
          external++;
        } else {
          intact++;
        }
      }
      case WARN -> warned++;
      case FAIL -> failed++;
      case UNKNOWN -> unchecked++;
    }
  }

  public void addAll(Tally other) {
    intact += other.intact;
    external += other.external;
    warned += other.warned;
    failed += other.failed;
    unchecked += other.unchecked;
  }

  public int total() {
    return intact + external + warned + failed + unchecked;
  }

  public int intact() {
    return intact;
  }

  public int external() {
    return external;
  }

  public int warned() {
    return warned;
  }

  public int failed() {
    return failed;
  }

  public int unchecked() {
    return unchecked;
  }
}
