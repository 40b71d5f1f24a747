package dev.registryintegrity.walk;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Work done once per key, whoever asks first: the others wait for that result instead of asking the
 * source again. This is how a digest shared by many parents, tags or platforms costs one request.
 *
 * <p>Waiting cannot deadlock: only manifests whose body hashes to their digest are walked, and such
 * a graph cannot hold a cycle (the ancestor check in the walker is a second guard for a source that
 * cannot be trusted on that).
 */
public final class Memo<K, T> {
  private final Map<K, CompletableFuture<T>> done = new ConcurrentHashMap<>();

  /** {@code work}'s result for {@code key}: computed in this thread unless another has it. */
  public T get(K key, Supplier<T> work) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<T> theirs = done.putIfAbsent(key, mine);
    if (theirs != null) {
      return theirs.join();
    }
    try {
      mine.complete(work.get());
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    }
    return mine.join();
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
