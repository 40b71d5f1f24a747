package dev.registryintegrity.verify;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.InputException;
import dev.registryintegrity.layout.OciLayoutSource;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.LayoutReference;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import dev.registryintegrity.walk.Transfer;
import dev.registryintegrity.walk.Walker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Verifies a list of images: one source and one walker per registry or layout (so tags of one
 * repository share their work), all images walked at once, results in the order given.
 *
 * @param expectations what every image must be besides intact (a digest, platforms, referrers)
 * @param transfer counts the bytes content checks plan and read, for a progress line
 */
public record Verifier(
    CheckSettings settings,
    Expectations expectations,
    Clock clock,
    Sleeper sleeper,
    Transfer transfer) {

  public Verifier(CheckSettings settings, Expectations expectations, Clock clock, Sleeper sleeper) {
    this(settings, expectations, clock, sleeper, new Transfer());
  }

  public RunReport verify(String command, List<TargetReference> targets, List<String> warnings) {
    Instant started = clock.instant();
    Map<String, Walker> walkers = new LinkedHashMap<>();
    List<ImageResult> results = new ArrayList<>();
    Deadline runDeadline = Deadline.after(clock, settings.timeout(), settings.spelling());
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<ImageResult>> pending = new ArrayList<>();
      for (TargetReference target : targets) {
        Walker walker =
            walkers.computeIfAbsent(
                sourceKey(target),
                k ->
                    new Walker(
                        open(target, runDeadline),
                        settings.limits(),
                        settings.policy(),
                        runDeadline,
                        transfer));
        pending.add(executor.submit(() -> walk(walker, target)));
      }
      // The walkers stop asking at the deadline and the transports abort what is in flight then;
      // this backstop covers anything else that could hold a walk past it.
      long deadline = System.nanoTime() + settings.timeout().plusSeconds(1).toNanos();
      for (int i = 0; i < pending.size(); i++) {
        results.add(
            await(
                pending.get(i), deadline, targets.get(i), walkers.get(sourceKey(targets.get(i)))));
      }
      executor.shutdownNow();
    } finally {
      walkers.values().forEach(Walker::close);
    }
    long requests = walkers.values().stream().mapToLong(w -> w.source().requestCount()).sum();
    List<String> notes = new ArrayList<>();
    walkers.values().forEach(w -> notes.addAll(w.notes()));
    walkers.values().forEach(w -> w.source().close());
    List<String> allWarnings = new ArrayList<>(warnings);
    if (settings.tls().insecure()) {
      allWarnings.add(
          "TLS certificates are not verified ("
              + settings.spelling().skipTlsVerify()
              + "): anyone in the path can answer for the registry");
    }
    return new RunReport(
        command,
        started,
        Duration.between(started, clock.instant()),
        results,
        requests,
        allWarnings,
        notes,
        settings.policy().blobCheck(),
        0,
        RunReport.LeftOut.NONE);
  }

  private ImageResult walk(Walker walker, TargetReference target) {
    return switch (target) {
      case ImageReference ref ->
          walker.walk(ref.toString(), ref.repository(), ref.identifier(), expectations);
      case LayoutReference layout ->
          walker.walk(
              layout.toString(), "", ManifestRef.tag(layout.tag().orElse("")), expectations);
    };
  }

  private ImageResult await(
      Future<ImageResult> future, long deadline, TargetReference target, Walker walker) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return unchecked(
          target,
          walker,
          "the run's deadline of "
              + settings.timeout().toSeconds()
              + " s passed before this image was checked "
              + settings.spelling().raiseTimeout());
    } catch (ExecutionException e) {
      // Bad configuration found mid-walk (a credential helper that is not installed) is still a
      // usage error; anything else that escaped the walker is a bug and says so.
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof InputException input) {
          throw input;
        }
        if (cause instanceof CannotCheckException c) {
          return unchecked(target, walker, c.getMessage());
        }
        if (cause instanceof InterruptedException) {
          // Cut short with the run (its deadline, a stop): not checked, and not a crash.
          return unchecked(target, walker, "interrupted before it was checked");
        }
      }
      throw new IllegalStateException(
          "checking " + target + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unchecked(target, walker, "interrupted");
    }
  }

  private static ImageResult unchecked(TargetReference target, Walker walker, String reason) {
    Node node = Node.tag().finding(new Finding.Unreachable(reason)).build();
    return new ImageResult(target.toString(), walker.source().origin(), node, List.of());
  }

  private ContentSource open(TargetReference target, Deadline runDeadline) {
    return switch (target) {
      case ImageReference ref ->
          RegistryClient.open(
                  ref.registryName(),
                  new RegistryTransport(settings.transport(), clock, sleeper, runDeadline),
                  settings.plainHttp())
              .withContentReads(settings.limits().maxContentBytes(), transfer::read);
      case LayoutReference layout -> new OciLayoutSource(layout.directory());
    };
  }

  private static String sourceKey(TargetReference target) {
    return switch (target) {
      case ImageReference ref -> "registry:" + ref.registry();
      case LayoutReference layout -> "layout:" + layout.directory().toAbsolutePath().normalize();
    };
  }
}
