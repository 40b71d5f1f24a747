package dev.registryintegrity.walk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

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
  private final Consumer<T> sink;

  public Window(int size) {
    this.size = size;
    this.sink = results::add;
  }

  /**
   * A window that hands each result to {@code sink} in the order given, on the submitting thread,
   * and keeps none: for runs that fold what they find as they go rather than hold all of it.
   */
  public Window(int size, Consumer<T> sink) {
    this.size = size;
    this.sink = sink;
  }

  /** A window wide enough to keep {@code limits.concurrency()} requests busy. */
  public static <T> Window<T> forLimits(WalkLimits limits) {
    return new Window<>(width(limits));
  }

  /** As {@link #forLimits(WalkLimits)}, handing results to {@code sink} as they come in order. */
  public static <T> Window<T> forLimits(WalkLimits limits, Consumer<T> sink) {
    return new Window<>(width(limits), sink);
  }

  private static int width(WalkLimits limits) {
    return Math.max(16, limits.concurrency() * 4);
  }

  public void submit(Callable<T> task) {
    if (inFlight.size() == size) {
      sink.accept(Futures.join(inFlight.removeFirst(), "walk failed"));
    }
    inFlight.addLast(executor.submit(task));
  }

  /** Waits for everything submitted; a task's unchecked exception is rethrown as it was. */
  public List<T> results() {
    drain();
    return List.copyOf(results);
  }

  /** Waits for everything submitted, handing each result on as {@link #submit} does. */
  public void drain() {
    while (!inFlight.isEmpty()) {
      sink.accept(Futures.join(inFlight.removeFirst(), "walk failed"));
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
