package dev.registryintegrity.registry.transport;

import dev.registryintegrity.CannotCheckException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The retry layer, outermost: sends a request again when that may help (a failure the network or
 * the server may recover from, a retryable status, once a body that broke off), waiting as {@link
 * Retries} says and never past the run's deadline. What it gives up on becomes one line of {@link
 * FailureMessages}.
 */
final class Retrying {
  private final Retries retries;
  private final FailureMessages messages;

  Retrying(Retries retries, FailureMessages messages) {
    this.retries = retries;
    this.messages = messages;
  }

  /**
   * Sends {@code request} through {@code attempt} until an answer is final or the retries are
   * spent. Returns every definitive answer (404 included); throws {@link CannotCheckException} when
   * none could be had.
   */
  HttpResponse send(String registry, HttpRequest request, Exchange attempt) {
    boolean bodyRetried = false;
    int retried = 0;
    while (true) {
      HttpResponse response;
      try {
        response = attempt.send(request);
      } catch (IOException e) {
        if (retried < retries.retries() && Retries.transient_(e) && request.resendable()) {
          retried++;
          retries.backOff(retried, registry);
          continue;
        }
        throw new CannotCheckException(messages.describe(registry, request.uri(), e, retried), e);
      }
      if (attempt.settled(response)) {
        return response;
      }
      // An upload is never sent twice, whatever broke off: its bytes may be half stored.
      if (response.bodyError().isPresent()
          && !bodyRetried
          && retries.retries() > 0
          && request.resendable()) {
        // Once: a network blip recovers, a registry that lost the data breaks off again.
        bodyRetried = true;
        retries.backOff(1, registry);
        continue;
      }
      if (RetryPolicy.retryable(response.status())
          && retried < retries.retries()
          && request.resendable()) {
        retried++;
        Optional<Duration> asked = retries.retryAfter(response);
        if (asked.isPresent()) {
          // The server said when: wait that long, no less, and no jitter below it.
          retries.sleep(asked.get(), registry);
        } else {
          retries.backOff(retried, registry);
        }
        continue;
      }
      return response;
    }
  }
}
