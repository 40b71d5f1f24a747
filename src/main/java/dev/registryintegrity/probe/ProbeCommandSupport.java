package dev.registryintegrity.probe;

import java.util.Locale;

/** The one-line summary of a probe run, shared by one-shot and server mode. */
public final class ProbeCommandSupport {
  private ProbeCommandSupport() {}

  public static String summary(ProbeResult r) {
    String verdict = !r.catalogAccessible() ? "CATALOG NOT READABLE"
        : r.failures() > 0 ? "FAIL" : r.unchecked() > 0 ? "COULD NOT CHECK" : "INTACT";
    return String.format(Locale.ROOT,
        "probe %s: %s: %d repositories, %d tags, %d digests, %d indexes: %d broken, %d unchecked; %d requests in %.2f s",
        r.instance(), verdict, r.reposChecked(), r.tagsChecked(), r.digestsChecked(), r.indexesChecked(), r.failures(),
        r.unchecked(), r.report().requests(), r.duration().toMillis() / 1000.0);
  }
}
