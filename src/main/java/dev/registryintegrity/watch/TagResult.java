package dev.registryintegrity.watch;

import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.walk.Verdict;

/**
 * What one check of a tag found. Its label is what the {@code result} label of the series, the
 * journal's {@code result} field and the log say: journals on disk and dashboards hold these words,
 * so they never change.
 */
public enum TagResult {
  INTACT("intact"),
  FAILED("failed"),
  /**
   * The check could not be made (the registry down, a 5xx): nothing is known, it is tried again.
   */
  UNCHECKED("unchecked");

  private final String label;

  TagResult(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Whether the check was made: then its verdict settles the tag's accepted check. */
  public boolean completed() {
    return this != UNCHECKED;
  }

  /** An orphaned referrer is a warning: the tag still pulls, so it is intact. */
  static TagResult of(Verdict verdict) {
    return switch (verdict) {
      case OK, WARN -> INTACT;
      case FAIL -> FAILED;
      case UNKNOWN -> UNCHECKED;
    };
  }

  /**
   * @throws InvalidValueException for a word this receiver never wrote
   */
  static TagResult fromLabel(String label) {
    for (TagResult result : values()) {
      if (result.label.equals(label)) {
        return result;
      }
    }
    throw new InvalidValueException("'" + label + "' is not a tag result");
  }
}
