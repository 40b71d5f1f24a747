package dev.registryintegrity.walk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs image walks with at most {@code size} in flight and returns their results in the order
 * given. Registries and stores hold tens of thousands of tags; walking them all at once would park
 * a task per digest in memory, while a window keeps memory flat and the walker's request permits
 * busy.
 */
public final class Window<T> implements AutoCloseable {
  private final int size;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Deque<Future<T>> inFlight = new ArrayDeque<>();
  private final List<T> results = new ArrayList<>();

  public Window(int size) {
    this.size = size;
  }

  /** A window wide enough to keep {@code limits.concurrency()} requests busy. */
  public static <T> Window<T> forLimits(WalkLimits limits) {
    return new Window<>(Math.max(16, limits.concurrency() * 4));
  }

  public void submit(Callable<T> task) {
    if (inFlight.size() == size) {
      results.add(await(inFlight.removeFirst()));
    }
    inFlight.addLast(executor.submit(task));
  }

  /** Waits for everything submitted; a task's unchecked exception is rethrown as it was. */
  public List<T> results() {
    while (!inFlight.isEmpty()) {
      results.add(await(inFlight.removeFirst()));
    }
    return List.copyOf(results);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
