package dev.registryintegrity.watch;

import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.serve.Endpoints;
import dev.registryintegrity.status.StatusRoutes;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Receives the registry's push and delete notifications and verifies what they name: {@code POST
 * /events} (distribution's envelope, a shared-secret {@code Authorization} header), {@code POST
 * /events/forgejo} (Forgejo's and Gitea's package webhooks, HMAC-signed) and {@code POST
 * /events/harbor} (Harbor's artifact webhooks, its auth header), each answered at once: a sender
 * retries and then drops a slow endpoint, so nothing is verified inline. {@code GET /metrics},
 * {@code GET /healthz}. The format is read at the edge; every event then takes the same way through
 * queue, journal, retries and metrics. A fixed number of workers take settled tags from a bounded
 * queue, one repository's due tags per walk.
 *
 * <p>Nothing it answered 202 for is lost: with a {@link Journal} every accepted check is on disk
 * before the answer and every verdict after it, replayed at the next start; a full queue answers
 * 503 so the registry sends the envelope again; a check that could not be made is retried with
 * backoff until it is; a stop lets the checks in flight finish and says what it leaves.
 *
 * <p>This class wires the parts and owns the lifecycle: an {@link EventEndpoint} per sender, taken
 * in by {@link Intake}; {@link VerifyWorkers} that walk and retry; a {@link VerdictLedger} that
 * keeps each verdict in the series, the status page, the journal and {@link DeleteTracking}.
 */
public final class Receiver implements AutoCloseable {
  /** Verifies tags of one repository together, as one walk, and asks the registry about tags. */
  public interface Checker {
    RunReport check(String repository, List<String> tags);

    /**
     * Whether the registry still lists the tag in {@code tags/list}.
     *
     * @throws CannotCheckException when it cannot tell
     */
    boolean tagListed(String repository, String tag);
  }

  /**
   * @param token the shared secret distribution sends as {@code Authorization: Bearer <token>};
   *     empty: {@code POST /events} is off
   * @param webhookSecret Forgejo's and Gitea's HMAC key, and the header Harbor sends; empty: their
   *     endpoints are off
   * @param settle how long a tag waits after its latest event before it is verified
   * @param tracked tags whose reached digests are remembered, to map a deleted digest to the tags
   *     it breaks
   * @param series how long and how many intact tags keep their series
   */
  public record Settings(
      InetSocketAddress address,
      Optional<String> token,
      Optional<String> webhookSecret,
      Duration settle,
      int workers,
      int queueCapacity,
      int tracked,
      WatchMetrics.SeriesLimit series) {}

  /** How long a stop waits for the checks in flight. */
  static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final HttpServer server;
  private final PushQueue queue;
  private final Optional<Journal> journal;
  private final WatchLog log;
  private final VerifyWorkers workers;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;

  /**
   * Replays the journal, binds the address and starts the workers: the receiver is answering when
   * this returns.
   *
   * @param journal where accepted checks and verdicts are kept across restarts; empty: in memory
   *     only
   * @param afterVerdicts given the metrics text after each batch of verdicts (a Pushgateway push)
   */
  public Receiver(
      Settings settings,
      Checker checker,
      WatchMetrics metrics,
      Clock clock,
      PrintWriter log,
      Optional<Journal> journal,
      Consumer<String> afterVerdicts,
      String title,
      String version)
      throws IOException {
    this.queue = new PushQueue(clock, settings.settle(), settings.queueCapacity());
    this.journal = journal;
    this.log = new WatchLog(log);
    DeleteTracking tracking = new DeleteTracking(settings.tracked());
    VerdictLedger ledger = new VerdictLedger(metrics, journal, tracking, this.log);
    ledger.replay(queue);
    this.server = Endpoints.listen("--listen", settings.address());
    Receiving shared =
        new Receiving(queue, ledger, tracking, metrics, journal, clock, this.log, () -> stopping);
    Intake intake = new Intake(shared);
    EventEndpoint.all(settings.token(), settings.webhookSecret())
        .forEach(endpoint -> intake.route(server, endpoint));
    Endpoints.route(
        server,
        "/metrics",
        Endpoints.READ,
        e ->
            Endpoints.send(
                e,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.render(queue.size(), clock.instant().getEpochSecond())));
    Endpoints.route(
        server, "/healthz", Endpoints.READ, e -> Endpoints.send(e, 200, "text/plain", "ok\n"));
    StatusRoutes.install(server, () -> ledger.status(title, clock.instant()), version);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    this.workers =
        new VerifyWorkers(shared, settings.workers(), checker, settings.settle(), afterVerdicts);
    workers.start();
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Blocks until {@link #close()} (or the JVM is told to stop). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops taking events (503: the registry keeps them for the next receiver), lets the checks in
   * flight finish for up to {@link #STOP_GRACE}, and says what is left and where it is kept.
   */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    workers.stop(STOP_GRACE);
    int left = queue.size() + workers.inFlight();
    if (journal.isPresent()) {
      log.line(
          "watch: stopping: {} accepted checks not yet verified are kept in {} and verified at the"
              + " next start",
          left,
          journal.get().file());
      journal.get().close();
    } else {
      log.line(
          "watch: stopping: {} accepted checks not yet verified are lost (no --state-dir)", left);
    }
    server.stop(0);
    stopped.countDown();
  }
}
