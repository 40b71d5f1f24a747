package dev.registryintegrity.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.serve.Endpoints;
import dev.registryintegrity.status.StatusRoutes;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Server mode: one probe run per interval (the next starts an interval after the previous one
 * ended, so two never overlap), {@code /metrics} serving the last finished run, {@code /} and
 * {@code /status.json} showing it to a person, {@code /healthz} answering while the server is up.
 */
public final class ProbeServer implements AutoCloseable {
  private final HttpServer server;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicReference<String> metrics = new AtomicReference<>();
  private final AtomicReference<ProbeResult> last = new AtomicReference<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile long lastSuccess = -1;
  private volatile boolean running;

  public ProbeServer(
      InetSocketAddress address,
      Duration interval,
      Supplier<ProbeResult> run,
      Map<String, String> extraLabels,
      PrintWriter log,
      String title,
      Clock clock,
      String version,
      Supplier<String> progress)
      throws IOException {
    server = Endpoints.listen("--listen", address);
    StatusRoutes.install(
        server,
        () ->
            ProbeStatus.of(
                title,
                Optional.ofNullable(last.get()),
                clock.instant(),
                running ? Optional.of(progress.get()) : Optional.empty()),
        version);
    Endpoints.route(server, "/metrics", Endpoints.READ, this::metrics);
    Endpoints.route(
        server, "/healthz", Endpoints.READ, e -> Endpoints.send(e, 200, "text/plain", "ok\n"));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            running = true;
            ProbeResult result;
            try {
              result = run.get();
            } finally {
              running = false;
            }
            last.set(result);
            if (result.succeeded()) {
              lastSuccess = result.finishedAt().getEpochSecond();
            }
            metrics.set(
                Metrics.render(
                    result,
                    lastSuccess < 0 ? OptionalLong.empty() : OptionalLong.of(lastSuccess),
                    extraLabels));
            new Console(log).line("{}", Console.ours(ProbeCommandSupport.summary(result)));
            log.flush();
          } catch (RuntimeException e) {
            new Console(log).line("probe run failed: {}", e.getMessage());
            log.flush();
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void metrics(HttpExchange e) throws IOException {
    String body = metrics.get();
    if (body == null) {
      Endpoints.send(e, 503, "text/plain", "the first probe run has not finished yet\n");
    } else {
      Endpoints.send(e, 200, "text/plain; version=0.0.4; charset=utf-8", body);
    }
  }

  /** Blocks until {@link #close()} (or the JVM is told to stop). */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.stop(0);
    stopped.countDown();
  }
}
