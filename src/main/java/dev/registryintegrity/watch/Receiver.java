package dev.registryintegrity.watch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.probe.Endpoints;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.Text;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Receives the registry's push and delete notifications and verifies what they name: {@code POST
 * /events} (distribution's envelope, a shared-secret {@code Authorization} header, answered 202 at
 * once: the registry retries and then drops a slow endpoint, so nothing is verified inline),
 * {@code GET /metrics}, {@code GET /healthz}. A fixed number of workers take settled tags from a
 * bounded queue, one repository's due tags per walk.
 */
public final class Receiver implements AutoCloseable {
  /** Verifies tags of one repository together, as one walk. */
  @FunctionalInterface
  public interface Checker {
    RunReport check(String repository, List<String> tags);
  }

  /**
   * @param token the shared secret the registry sends as {@code Authorization: Bearer <token>}
   * @param settle how long a tag waits after its latest event before it is verified
   * @param tracked tags whose reached digests are remembered, to map a deleted digest to the tags it breaks
   */
  public record Settings(InetSocketAddress address, String token, Duration settle, int workers, int queueCapacity,
      int tracked) {}

  /** The registry's envelopes are kilobytes; a megabyte is not an envelope. */
  static final int MAX_BODY = 1 << 20;

  private final HttpServer server;
  private final PushQueue queue;
  private final WatchMetrics metrics;
  private final Checker checker;
  private final Clock clock;
  private final PrintWriter log;
  private final byte[] expectedAuthorization;
  private final ExecutorService workers;
  private final Map<TagKey, Set<Digest>> reached;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Consumer<String> afterVerdicts;

  private record TagKey(String repository, String tag) {}

  /** @param afterVerdicts given the metrics text after each batch of verdicts (a Pushgateway push) */
  public Receiver(Settings settings, Checker checker, WatchMetrics metrics, Clock clock, PrintWriter log,
      Consumer<String> afterVerdicts) throws IOException {
    this.queue = new PushQueue(clock, settings.settle(), settings.queueCapacity());
    this.metrics = metrics;
    this.checker = checker;
    this.clock = clock;
    this.log = log;
    this.afterVerdicts = afterVerdicts;
    this.expectedAuthorization = ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
    int tracked = settings.tracked();
    this.reached = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<TagKey, Set<Digest>> eldest) {
        return size() > tracked;
      }
    });
    this.server = Endpoints.listen("--listen", settings.address());
    server.createContext("/events", this::events);
    server.createContext("/metrics", e -> Endpoints.send(e, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(queue.size())));
    server.createContext("/healthz", e -> Endpoints.send(e, 200, "text/plain", "ok\n"));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    this.workers = Executors.newFixedThreadPool(settings.workers(), Thread.ofPlatform().daemon().name("verify-", 0).factory());
    for (int i = 0; i < settings.workers(); i++) {
      workers.submit(this::work);
    }
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void events(HttpExchange e) throws IOException {
    try (e) {
      if (!e.getRequestMethod().equals("POST")) {
        metrics.rejected("method");
        Endpoints.send(e, 405, "text/plain", "POST registry notification envelopes here\n");
        return;
      }
      String given = e.getRequestHeaders().getFirst("Authorization");
      // Constant time: how much of a guess matched must not show in how long the answer takes.
      if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
        metrics.rejected("unauthorized");
        Endpoints.send(e, 401, "text/plain", "unauthorized\n");
        return;
      }
      String type = String.valueOf(e.getRequestHeaders().getFirst("Content-Type"));
      if (!type.startsWith(Events.MEDIA_TYPE) && !type.startsWith("application/json")) {
        metrics.rejected("media-type");
        Endpoints.send(e, 415, "text/plain", "expected " + Events.MEDIA_TYPE + "\n");
        return;
      }
      byte[] body;
      try (InputStream in = e.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        metrics.rejected("too-large");
        Endpoints.send(e, 413, "text/plain", "an envelope over 1 MiB is not one\n");
        return;
      }
      Events.Parsed parsed;
      try {
        parsed = Events.parse(body);
      } catch (InputException bad) {
        metrics.rejected("malformed");
        Endpoints.send(e, 400, "text/plain", bad.getMessage() + "\n");
        return;
      }
      metrics.skipped(parsed.skipped());
      for (Event event : parsed.events()) {
        metrics.event(event.action());
        accept(event);
      }
      Endpoints.send(e, 202, "text/plain", "accepted\n");
    }
  }

  private void accept(Event event) {
    switch (event.action()) {
      // Children and blobs arrive before the tagged index; the tag's own event starts the check.
      case "push" -> event.tag().filter(t -> event.manifest()).ifPresent(tag -> enqueue(event.repository(), tag));
      case "delete" -> {
        if (event.tag().isPresent()) {
          reached.remove(new TagKey(event.repository(), event.tag().get()));
          metrics.forget(event.repository(), event.tag().get());
        }
        event.digest().ifPresent(digest -> tagsReaching(event.repository(), digest).forEach(tag -> enqueue(event.repository(), tag)));
      }
      default -> { }
    }
  }

  private List<String> tagsReaching(String repository, Digest digest) {
    List<String> tags = new ArrayList<>();
    synchronized (reached) {
      reached.forEach((key, digests) -> {
        if (key.repository().equals(repository) && digests.contains(digest)) {
          tags.add(key.tag());
        }
      });
    }
    return tags;
  }

  private void enqueue(String repository, String tag) {
    if (!queue.offer(repository, tag)) {
      metrics.dropped();
    }
  }

  private void work() {
    while (!Thread.currentThread().isInterrupted()) {
      List<PushQueue.Pending> batch;
      try {
        batch = queue.takeBatch();
      } catch (InterruptedException e) {
        return;
      }
      try {
        verify(batch);
      } catch (RuntimeException | Error e) {
        // One bad check must not take a worker with it.
        synchronized (log) {
          log.println("watch: verifying " + Text.safe(batch.get(0).repository()) + " failed: " + Text.safe(String.valueOf(e)));
          log.flush();
        }
      }
    }
  }

  private void verify(List<PushQueue.Pending> batch) {
    String repository = batch.get(0).repository();
    List<String> tags = batch.stream().map(PushQueue.Pending::tag).toList();
    RunReport report = checker.check(repository, tags);
    Instant now = clock.instant();
    boolean anyFailed = false;
    for (int i = 0; i < report.images().size() && i < batch.size(); i++) {
      ImageResult image = report.images().get(i);
      PushQueue.Pending pending = batch.get(i);
      int failures = count(image, Verdict.FAIL);
      String result = switch (image.verdict()) {
        case OK, WARN -> "intact";
        case FAIL -> "failed";
        case UNKNOWN -> "unchecked";
      };
      anyFailed |= image.verdict() != Verdict.OK;
      double seconds = Duration.between(pending.firstEvent(), now).toMillis() / 1000.0;
      metrics.verdict(repository, pending.tag(), result, failures, count(image, Verdict.WARN), seconds,
          now.getEpochSecond());
      Set<Digest> digests = new HashSet<>();
      Graphs.forEachUnique(image.root(), (node, path) -> node.digest().ifPresent(digests::add));
      reached.put(new TagKey(repository, pending.tag()), digests);
      synchronized (log) {
        log.println(String.format(java.util.Locale.ROOT, "watch: %s %s%s (%d digests, %.1f s after the event)",
            result.toUpperCase(java.util.Locale.ROOT), Text.safe(image.reference()),
            image.root().digest().map(d -> " -> " + d).orElse(""), digests.size(), seconds));
        log.flush();
      }
    }
    if (anyFailed) {
      synchronized (log) {
        new TextReport(false, TextReport.Detail.FAILURES).render(report, log);
        log.flush();
      }
    }
    afterVerdicts.accept(metrics.render(queue.size()));
  }

  private static int count(ImageResult image, Verdict verdict) {
    int[] n = {0};
    Graphs.forEachUnique(image.root(), (node, path) -> {
      if (node.finding().verdict() == verdict) {
        n[0]++;
      }
    });
    for (Finding f : image.imageFindings()) {
      if (f.verdict() == verdict) {
        n[0]++;
      }
    }
    return n[0];
  }

  /** Blocks until {@link #close()} (or the JVM is told to stop). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    stopped.countDown();
  }
}
