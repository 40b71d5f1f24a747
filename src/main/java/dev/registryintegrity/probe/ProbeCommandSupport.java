package dev.registryintegrity.probe;

import dev.registryintegrity.report.Console;
import java.util.Locale;

/** The one-line summary of a probe run, shared by one-shot and server mode. */
public final class ProbeCommandSupport {
  private ProbeCommandSupport() {}

  /** The run's one summary line; its verdict is the run's exit code, whatever the output. */
  public static String summary(ProbeResult r) {
    String verdict =
        switch (r.report().exitCode()) {
          case INTACT -> "INTACT";
          case INTEGRITY_FAILURE -> "FAIL";
          default ->
              r.catalogAccessible() ? "COULD NOT CHECK" : "COULD NOT CHECK (catalog not readable)";
        };
    // The instance is a setting (--instance, or the registry as given): shown escaped.
    return Console.format("probe {}: ", r.instance())
        + String.format(
            Locale.ROOT,
            "%s: %d repositories%s, %d tags, %d digests, %d indexes: %d broken, %d unchecked%s;"
                + " %d requests in %.2f s (exit %d)",
            verdict,
            r.reposChecked(),
            r.reposWithoutTags() > 0 ? " (" + r.reposWithoutTags() + " without tags)" : "",
            r.tagsChecked(),
            r.digestsChecked(),
            r.indexesChecked(),
            r.failures(),
            r.unchecked(),
            r.orphanedReferrers() > 0
                ? ", " + r.orphanedReferrers() + " orphaned referrers (warnings)"
                : "",
            r.report().requests(),
            r.duration().toMillis() / 1000.0,
            r.report().exitCode().code());
  }
}
