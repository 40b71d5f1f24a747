package dev.registryintegrity.retain;

import dev.registryintegrity.model.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which tags of a repository to keep: a tag is kept when any rule keeps it. Everything a kept tag
 * needs is kept with it; what nothing kept reaches may go.
 *
 * @param newest keep the images of the newest N builds (an index counts its newest platform image);
 *     a tag whose build time cannot be read is kept
 * @param tags keep the tags any of these match (found anywhere in the tag: anchor with ^ and $)
 * @param youngerThan keep images built within this time
 */
public record KeepRules(
    Optional<Integer> newest, List<Pattern> tags, Optional<Duration> youngerThan) {
  public KeepRules {
    tags = List.copyOf(tags);
  }

  /** Keeps nothing by itself: a retention with no rule at all would delete every image. */
  public boolean isEmpty() {
    return newest.isEmpty() && tags.isEmpty() && youngerThan.isEmpty();
  }

  /** The rules in words, for the plan's header. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    newest.ifPresent(n -> parts.add("the newest " + n));
    tags.forEach(p -> parts.add("tags matching " + p.pattern()));
    youngerThan.ifPresent(d -> parts.add("built in the last " + Durations.format(d)));
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }
}
