package dev.registryintegrity.watch;

import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.serve.Endpoints;
import dev.registryintegrity.status.StatusRoutes;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Kind;
import dev.registryintegrity.walk.Node;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

  /** A check that could not be made is tried again after the settle delay, doubling up to this. */
  static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);

  /** How long a stop waits for the checks in flight. */
  static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final HttpServer server;
  private final PushQueue queue;
  private final WatchMetrics metrics;
  private final Checker checker;
  private final Clock clock;
  private final WatchLog log;
  private final ExecutorService workers;
  private final DeleteTracking tracking;
  private final VerdictLedger ledger;
  private final Map<TagKey, Integer> attempts = new ConcurrentHashMap<>();

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Consumer<String> afterVerdicts;
  private final Optional<Journal> journal;
  private final Duration settle;
  private volatile boolean stopping;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
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
    this.metrics = metrics;
    this.checker = checker;
    this.clock = clock;
    this.log = new WatchLog(log);
    this.journal = journal;
    this.settle = settings.settle();
    this.afterVerdicts = afterVerdicts;
    this.tracking = new DeleteTracking(settings.tracked());
    this.ledger = new VerdictLedger(metrics, journal, tracking, this.log);
    ledger.replay(queue);
    this.server = Endpoints.listen("--listen", settings.address());
    routeEvents(settings, journal);
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
        Executors.newFixedThreadPool(
            settings.workers(), Thread.ofPlatform().daemon().name("verify-", 0).factory());
    for (int i = 0; i < settings.workers(); i++) {
      workers.submit(this::work);
    }
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * The receiver's endpoints, each a sender's own authentication and format in front of the same
   * queue, journal and metrics.
   */
  private void routeEvents(Settings settings, Optional<Journal> journal) {
    Intake intake =
        new Intake(queue, ledger, tracking, metrics, journal, clock, log, () -> stopping);
    for (EventEndpoint endpoint : EventEndpoint.all(settings.token(), settings.webhookSecret())) {
      intake.route(server, endpoint);
    }
  }

  /**
   * What {@code /events} takes: distribution's media types, with parameters and in any case;
   * nothing that only starts like them.
   */
  static boolean acceptedMediaType(String contentType) {
    return EventEndpoint.DISTRIBUTION_TYPES.unwrapFor(contentType).isPresent();
  }

  private void work() {
    while (!stopping && !Thread.currentThread().isInterrupted()) {
      List<PushQueue.Pending> batch;
      try {
        batch = queue.takeBatch(Duration.ofMillis(500));
      } catch (InterruptedException e) {
        return;
      }
      if (batch.isEmpty()) {
        continue;
      }
      inFlight.addAndGet(batch.size());
      try {
        verify(batch);
      } catch (RuntimeException | Error e) {
        // One bad check must not take a worker with it; the check is tried again.
        log.line("watch: verifying {} failed: {}", batch.get(0).repository(), e);
        batch.forEach(p -> retry(p));
      } finally {
        inFlight.addAndGet(-batch.size());
      }
    }
  }

  private void verify(List<PushQueue.Pending> batch) {
    String repository = batch.get(0).repository();
    List<String> tags = batch.stream().map(PushQueue.Pending::tag).toList();
    RunReport report = checker.check(repository, tags);
    if (stopping && Thread.currentThread().isInterrupted()) {
      // Cut short by the stop: no verdict; the journal still holds the checks for the next start.
      return;
    }
    Instant now = clock.instant();
    boolean anyFailed = false;
    List<Runnable> published = new ArrayList<>();
    for (int i = 0; i < report.images().size() && i < batch.size(); i++) {
      ImageResult image = report.images().get(i);
      PushQueue.Pending pending = batch.get(i);
      TagKey key = new TagKey(repository, pending.tag());
      if (deletedOnPurpose(image, repository, pending.tag())) {
        ledger.gone(key);
        attempts.remove(key);
        log.line(
            "watch: {} is gone (manifest unknown, not in tags/list): deleted on purpose, its"
                + " series are removed",
            image.reference());
        continue;
      }
      Journal.TagVerdict verdict = ledger.record(key, image, now);
      if (verdict.result().completed()) {
        attempts.remove(key);
        anyFailed |= verdict.result() == TagResult.FAILED;
      } else {
        retry(pending);
      }
      double seconds = Duration.between(pending.firstEvent(), now).toMillis() / 1000.0;
      log.line(
          "watch: {} {}{} ({} digests, {} s after the event)",
          verdict.result().label().toUpperCase(Locale.ROOT),
          image.reference(),
          image.root().digest().map(d -> " -> " + d).orElse(""),
          verdict.digests().size(),
          String.format(Locale.ROOT, "%.1f", seconds));
      published.add(() -> ledger.publish(verdict, seconds));
    }
    if (anyFailed) {
      log.failures(report);
    }
    published.forEach(Runnable::run);
    afterVerdicts.accept(metrics.render(queue.size(), now.getEpochSecond()));
  }

  /**
   * A tag that no longer resolves and that the registry no longer lists was deleted (distribution
   * sends no tag event when a manifest is deleted by digest): not a failure to page anyone for. A
   * tag still listed whose manifest is gone is the incident, and fails.
   */
  private boolean deletedOnPurpose(ImageResult image, String repository, String tag) {
    Node root = image.root();
    if (root.kind() != Kind.TAG || !(root.finding() instanceof Finding.Missing)) {
      return false;
    }
    try {
      return !checker.tagListed(repository, tag);
    } catch (CannotCheckException e) {
      return false;
    }
  }

  private void retry(PushQueue.Pending pending) {
    TagKey key = new TagKey(pending.repository(), pending.tag());
    int attempt = attempts.merge(key, 1, Integer::sum);
    Duration delay = settle.multipliedBy(1L << Math.min(attempt, 16));
    queue.retry(
        pending.repository(),
        pending.tag(),
        pending.firstEvent(),
        delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay);
    metrics.retried();
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
    workers.shutdown();
    try {
      if (!workers.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    int left = queue.size() + inFlight.get();
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
