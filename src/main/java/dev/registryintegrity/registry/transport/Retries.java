package dev.registryintegrity.registry.transport;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.HttpException;

/**
 * When to try again and how long to wait: backoff with jitter, exactly what Retry-After asks (in
 * seconds or as a date, read against the injected clock), never past the run's deadline, and never
 * for failures that will not recover.
 */
final class Retries {
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Deadline deadline;

  Retries(RetryPolicy retry, Sleeper sleeper, Clock clock, Deadline deadline) {
    this.retry = retry;
    this.sleeper = sleeper;
    this.clock = clock;
    this.deadline = deadline;
  }

  int retries() {
    return retry.retries();
  }

  /** Waits the policy's backoff for this attempt, with jitter. */
  void backOff(int attempt, String registry) {
    pause(retry.backoff(attempt), registry);
  }

  void pause(Duration delay, String registry) {
    // Jitter: many clients retrying together must not hit the registry in lockstep.
    long millis = delay.toMillis();
    sleep(
        Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1)),
        registry);
  }

  void sleep(Duration delay, String registry) {
    if (delay.compareTo(deadline.remaining()) >= 0) {
      throw new CannotCheckException(
          "registry "
              + registry
              + ": "
              + deadline.describe()
              + " would pass before the next retry "
              + deadline.raise());
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotCheckException("interrupted while waiting to retry " + registry, e);
    }
  }

  Optional<Duration> retryAfter(HttpResponse response) {
    Optional<String> value = response.header("retry-after");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(value.get().trim());
      return Optional.of(
          Duration.ofSeconds(Math.max(0, Math.min(seconds, retry.maxDelay().toSeconds()))));
    } catch (NumberFormatException e) {
      try {
        Duration until =
            Duration.between(
                clock.instant(),
                java.time.ZonedDateTime.parse(
                        value.get().trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        return Optional.of(
            until.isNegative()
                ? Duration.ZERO
                : until.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : until);
      } catch (DateTimeParseException ignored) {
        return Optional.empty();
      }
    }
  }

  /**
   * Worth another try: the network or the server may recover. A bad name, TLS, a redirect loop, a
   * malformed answer or our own cut-off will not.
   */
  static boolean transient_(IOException e) {
    return !(e instanceof UnknownHostException)
        && !(e instanceof SSLException)
        && !(e instanceof ExchangeGuard.CutOff)
        && !(e instanceof Redirects.RedirectLoop)
        && !(e.getCause() instanceof HttpException);
  }
}
