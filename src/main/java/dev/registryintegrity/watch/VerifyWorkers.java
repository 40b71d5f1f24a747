package dev.registryintegrity.watch;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A fixed number of threads that take settled tags from the queue, one repository's due tags per
 * walk, and hand each verdict to the ledger. A check that could not be made goes back to the queue
 * after the settle delay, doubled with each attempt up to {@link #MAX_RETRY_DELAY}, until it is
 * made; a tag found deleted on purpose is forgotten, not failed.
 */
final class VerifyWorkers {
  /** A check that could not be made is tried again after the settle delay, doubling up to this. */
  static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);

  private final Receiving shared;
  private final Receiver.Checker checker;
  private final Duration settle;
  private final Consumer<String> afterVerdicts;
  private final ExecutorService threads;
  private final int count;
  private final Map<TagKey, Integer> attempts = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param afterVerdicts given the metrics text after each batch of verdicts (a Pushgateway push)
   */
  VerifyWorkers(
      Receiving shared,
      int count,
      Receiver.Checker checker,
      Duration settle,
      Consumer<String> afterVerdicts) {
    this.shared = shared;
    this.count = count;
    this.checker = checker;
    this.settle = settle;
    this.afterVerdicts = afterVerdicts;
    this.threads =
        Executors.newFixedThreadPool(
            count, Thread.ofPlatform().daemon().name("verify-", 0).factory());
  }

  void start() {
    for (int i = 0; i < count; i++) {
      threads.submit(this::work);
    }
  }

  /** Lets the checks in flight finish for up to {@code grace}, then interrupts them. */
  void stop(Duration grace) {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Tags taken from the queue whose verdict is not yet given. */
  int inFlight() {
    return inFlight.get();
  }

  private void work() {
    while (!shared.stopping().getAsBoolean() && !Thread.currentThread().isInterrupted()) {
      List<PushQueue.Pending> batch;
      try {
        batch = shared.queue().takeBatch(Duration.ofMillis(500));
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
        shared.log().line("watch: verifying {} failed: {}", batch.get(0).repository(), e);
        batch.forEach(this::retry);
      } finally {
        inFlight.addAndGet(-batch.size());
      }
    }
  }

  /** One walk over one repository's due tags, and each tag's verdict. */
  void verify(List<PushQueue.Pending> batch) {
    String repository = batch.get(0).repository();
    List<String> tags = batch.stream().map(PushQueue.Pending::tag).toList();
    RunReport report = checker.check(repository, tags);
    if (shared.stopping().getAsBoolean() && Thread.currentThread().isInterrupted()) {
      // Cut short by the stop: no verdict; the journal still holds the checks for the next start.
      return;
    }
    Instant now = shared.clock().instant();
    boolean anyFailed = false;
    List<Runnable> published = new ArrayList<>();
    for (int i = 0; i < report.images().size() && i < batch.size(); i++) {
      ImageResult image = report.images().get(i);
      PushQueue.Pending pending = batch.get(i);
      TagKey key = new TagKey(repository, pending.tag());
      if (deletedOnPurpose(image, key)) {
        shared.ledger().gone(key);
        attempts.remove(key);
        shared
            .log()
            .line(
                "watch: {} is gone (manifest unknown, not in tags/list): deleted on purpose, its"
                    + " series are removed",
                image.reference());
        continue;
      }
      Journal.TagVerdict verdict = shared.ledger().record(key, image, now);
      if (verdict.result().completed()) {
        attempts.remove(key);
        anyFailed |= verdict.result() == TagResult.FAILED;
      } else {
        retry(pending);
      }
      double seconds = Duration.between(pending.firstEvent(), now).toMillis() / 1000.0;
      shared
          .log()
          .line(
              "watch: {} {}{} ({} digests, {} s after the event)",
              verdict.result().label().toUpperCase(Locale.ROOT),
              image.reference(),
              image.root().digest().map(d -> " -> " + d).orElse(""),
              verdict.digests().size(),
              String.format(Locale.ROOT, "%.1f", seconds));
      published.add(() -> shared.ledger().publish(verdict, seconds));
    }
    if (anyFailed) {
      shared.log().failures(report);
    }
    // The series change last, once the log says why (see VerdictLedger.publish).
    published.forEach(Runnable::run);
    afterVerdicts.accept(shared.metrics().render(shared.queue().size(), now.getEpochSecond()));
  }

  /**
   * A tag that no longer resolves and that the registry no longer lists was deleted (distribution
   * sends no tag event when a manifest is deleted by digest): not a failure to page anyone for. A
   * tag still listed whose manifest is gone is the incident, and fails.
   */
  private boolean deletedOnPurpose(ImageResult image, TagKey key) {
    Node root = image.root();
    if (root.kind() != Kind.TAG || !(root.finding() instanceof Finding.Missing)) {
      return false;
    }
    try {
      return !checker.tagListed(key.repository(), key.tag());
    } catch (CannotCheckException e) {
      return false;
    }
  }

  private void retry(PushQueue.Pending pending) {
    TagKey key = new TagKey(pending.repository(), pending.tag());
    int attempt = attempts.merge(key, 1, Integer::sum);
    Duration delay = settle.multipliedBy(1L << Math.min(attempt, 16));
    shared
        .queue()
        .retry(
            pending.repository(),
            pending.tag(),
            pending.firstEvent(),
            delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay);
    shared.metrics().retried();
  }
}
