package dev.registryintegrity.walk;

import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.ReferrerLookup;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Where the walk's requests pass: at most {@link WalkLimits#concurrency()} at once, none after the
 * deadline (the digest is then reported as not checked, so the report says where the run stopped),
 * and each answer counted for the progress line.
 *
 * <p>Requests run on platform threads while the walk's many waiting tasks stay virtual: socket I/O
 * on a virtual thread starts the JDK's I/O poller, whose thread sits in native code and makes every
 * exit of the JVM wait 300 ms for it (measured, JDK 25).
 */
final class RequestGate implements AutoCloseable {
  private final ExecutorService requests;
  private final Deadline deadline;
  private final Transfer transfer;

  RequestGate(int concurrency, Deadline deadline, Transfer transfer) {
    this.requests =
        Executors.newFixedThreadPool(
            concurrency, Thread.ofPlatform().daemon().name("request-", 0).factory());
    this.deadline = deadline;
    this.transfer = transfer;
  }

  /** A source's answer, if time is left; otherwise "not checked" with why. */
  Lookup ask(Supplier<Lookup> request) {
    return onRequestThread(
        () -> {
          Lookup answer =
              deadline.passed() ? new Lookup.Unavailable("-", notChecked()) : request.get();
          transfer.answered();
          return answer;
        });
  }

  /** A source's list of referrers, if time is left. */
  ReferrerLookup askReferrers(Supplier<ReferrerLookup> request) {
    return deadline.passed()
        ? new ReferrerLookup.Unavailable("-", notChecked())
        : onRequestThread(request);
  }

  private String notChecked() {
    return "not checked: " + deadline.describe() + " passed first " + deadline.raise();
  }

  private <T> T onRequestThread(Supplier<T> request) {
    Future<T> answer = requests.submit(request::get);
    try {
      return answer.get();
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("walk interrupted", e);
    } catch (ExecutionException e) {
      throw Futures.unwrap(e, "request failed");
    }
  }

  @Override
  public void close() {
    requests.shutdownNow();
  }
}
