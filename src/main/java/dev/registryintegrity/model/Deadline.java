package dev.registryintegrity.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** When a run must stop asking; the clock comes in so tests can control it. */
public record Deadline(Clock clock, Instant at, Duration budget, Spelling spelling) {

  public static Deadline none() {
    return new Deadline(Clock.systemUTC(), Instant.MAX, Duration.ZERO, Spelling.CLI);
  }

  public static Deadline after(Clock clock, Duration budget) {
    return after(clock, budget, Spelling.CLI);
  }

  /**
   * @param spelling how the user names the timeout, for "raise ..." in messages
   */
  public static Deadline after(Clock clock, Duration budget, Spelling spelling) {
    return new Deadline(clock, clock.instant().plus(budget), budget, spelling);
  }

  /** "(raise --timeout)" in the user's own words. */
  public String raise() {
    return spelling.raiseTimeout();
  }

  public boolean passed() {
    return clock.instant().isAfter(at);
  }

  /** Time left, zero once passed; very long (not overflowing) for no deadline. */
  public Duration remaining() {
    if (at.equals(Instant.MAX)) {
      return Duration.ofDays(365);
    }
    Duration left = Duration.between(clock.instant(), at);
    return left.isNegative() ? Duration.ZERO : left;
  }

  public String describe() {
    return "the run's deadline of " + budget.toSeconds() + " s";
  }
}
