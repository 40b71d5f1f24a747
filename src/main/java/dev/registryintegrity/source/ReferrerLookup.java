package dev.registryintegrity.source;

import java.util.List;

/** What a {@link ContentSource} answered when asked for the referrers of a manifest. */
public sealed interface ReferrerLookup {

  /**
   * @param notes facts worth a line (the registry has no referrers API; a cosign tag that is listed
   *     but not served)
   */
  record Found(List<Referrer> referrers, List<String> notes) implements ReferrerLookup {
    public Found {
      referrers = List.copyOf(referrers);
      notes = List.copyOf(notes);
    }
  }

  /** The referrers could not be listed: the check is broken here, not (necessarily) the image. */
  record Unavailable(String status, String reason) implements ReferrerLookup {}
}
