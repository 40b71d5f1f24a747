package dev.registryintegrity.registry.transport;

import java.time.Duration;

/**
 * How often and how patiently transient failures are retried: 408, 429, 5xx and broken connections,
 * with exponential backoff and full jitter, honouring Retry-After up to {@code maxDelay}. 404 and
 * 401/403 are answers, never retried.
 */
public record RetryPolicy(int retries, Duration baseDelay, Duration maxDelay) {
  public static final int DEFAULT_RETRIES = 3;

  public RetryPolicy {
    if (retries < 0) {
      throw new IllegalArgumentException("retries " + retries + " is below 0");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(DEFAULT_RETRIES, Duration.ofMillis(200), Duration.ofSeconds(30));
  }

  public RetryPolicy withRetries(int n) {
    return new RetryPolicy(n, baseDelay, maxDelay);
  }

  public static boolean retryable(int status) {
    return status == 408
        || status == 429
        || status == 500
        || status == 502
        || status == 503
        || status == 504;
  }

  /** The delay before retry number {@code attempt} (1-based), before jitter. */
  public Duration backoff(int attempt) {
    long millis = baseDelay.toMillis() << Math.min(attempt - 1, 16);
    return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
  }
}
