package dev.registryintegrity.registry.transport;

import dev.registryintegrity.model.Deadline;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The layer over the wire that bounds each exchange in time: a read timeout alone never trips on a
 * server that sends one byte just before each timeout, so a watchdog aborts an exchange that
 * outlives the run's deadline or, for a buffered answer, its own budget in all.
 */
final class ExchangeGuard implements Exchange, AutoCloseable {
  private final Deadline deadline;
  private final Duration requestBudget;
  private final Wire wire;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "registry-integrity-watchdog");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param requestBudget longest a buffered answer may take in all
   */
  ExchangeGuard(Deadline deadline, Duration requestBudget, Wire wire) {
    this.deadline = deadline;
    this.requestBudget = requestBudget;
    this.wire = wire;
  }

  /**
   * Runs one exchange under a watchdog that aborts it when the run's deadline passes or, for a
   * buffered answer, when it takes longer than {@link #requestBudget} in all. Streamed content
   * reads and uploads are bounded by the run's deadline only: a large layer may take long,
   * legitimately.
   */
  @Override
  public HttpResponse send(HttpRequest request) throws IOException {
    if (deadline.passed()) {
      throw new CutOff(deadline.describe() + " passed first " + deadline.raise());
    }
    Duration runLeft = deadline.remaining();
    boolean runBound =
        request.hashing().isPresent()
            || request.body().isPresent()
            || runLeft.compareTo(requestBudget) <= 0;
    Duration budget = runBound ? runLeft : requestBudget;
    String reason =
        runBound
            ? deadline.describe() + " passed while waiting for the answer " + deadline.raise()
            : "the answer took longer than "
                + requestBudget.toSeconds()
                + " s in all (the registry sends too slowly)";
    Abort abort = new Abort();
    ScheduledFuture<?> guard =
        watchdog.schedule(abort::fire, budget.toMillis(), TimeUnit.MILLISECONDS);
    try {
      HttpResponse response = wire.exchange(request, abort);
      if (abort.fired()) {
        throw new CutOff(reason);
      }
      return response;
    } catch (IOException | RuntimeException e) {
      if (abort.fired()) {
        throw new CutOff(reason);
      }
      throw e;
    } finally {
      guard.cancel(false);
    }
  }

  /** An exchange this transport aborted itself: never retried, never taken for lost data. */
  static final class CutOff extends IOException {
    private static final long serialVersionUID = 1L;

    CutOff(String reason) {
      super(reason);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
