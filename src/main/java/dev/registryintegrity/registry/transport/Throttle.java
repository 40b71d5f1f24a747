package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The layer over the guard: every hop waits for its slot at the request rate and counts once
 * answered. Per hop, not per request, so redirects, retries and token requests are paced and
 * counted like any request; the wait comes before the guard so it never counts against an
 * exchange's budget.
 */
final class Throttle implements Exchange {
  private final RateLimiter rateLimiter;
  private final Exchange next;
  private final AtomicLong answers = new AtomicLong();

  Throttle(RateLimiter rateLimiter, Exchange next) {
    this.rateLimiter = rateLimiter;
    this.next = next;
  }

  @Override
  public HttpResponse send(HttpRequest request) throws IOException {
    try {
      rateLimiter.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the request rate limit", e);
    }
    HttpResponse response = next.send(request);
    answers.incrementAndGet();
    return response;
  }

  /** HTTP answers received so far. */
  long answers() {
    return answers.get();
  }
}
