package dev.registryintegrity.walk;

import dev.registryintegrity.Interruptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Work done once per key, whoever asks first: the others wait for that result instead of asking the
 * source again. This is how a digest shared by many parents, tags or platforms costs one request.
 *
 * <p>A computation cut short by an interrupt (one image's walk cancelled at the run's deadline) is
 * not a result: it is forgotten, and whoever waited for it computes it in turn, so one cancelled
 * walk cannot fail another that shares a digest with it.
 *
 * <p>Waiting cannot deadlock: only manifests whose body hashes to their digest are walked, and such
 * a graph cannot hold a cycle (the ancestor check in the walker is a second guard for a source that
 * cannot be trusted on that).
 */
public final class Memo<K, T> {
  private final Map<K, CompletableFuture<T>> done = new ConcurrentHashMap<>();

  /** Completes a waiter's future when its computation was interrupted: ask again. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super(null, null, false, false);
    }
  }

  /** {@code work}'s result for {@code key}: computed in this thread unless another has it. */
  public T get(K key, Supplier<T> work) {
    while (true) {
      CompletableFuture<T> mine = new CompletableFuture<>();
      CompletableFuture<T> theirs = done.putIfAbsent(key, mine);
      if (theirs != null) {
        try {
          return theirs.join();
        } catch (CompletionException e) {
          if (e.getCause() instanceof Abandoned) {
            continue;
          }
          throw e;
        }
      }
      try {
        T result = work.get();
        mine.complete(result);
        return result;
      } catch (RuntimeException | Error e) {
        if (Thread.currentThread().isInterrupted() || Interruptions.causedBy(e)) {
          done.remove(key, mine);
          mine.completeExceptionally(new Abandoned());
        } else {
          mine.completeExceptionally(e);
        }
        throw e;
      }
    }
  }

  /** The result for {@code key} if it was asked for, finished or not yet. */
  public CompletableFuture<T> asked(K key) {
    return done.get(key);
  }

  /** Drops the results whose key matches, so they are asked again if needed. */
  public void forget(Predicate<K> which) {
    done.keySet().removeIf(which);
  }
}
