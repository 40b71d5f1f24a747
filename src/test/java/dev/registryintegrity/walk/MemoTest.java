package dev.registryintegrity.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoTest {
  @Test
  void aKeyIsComputedOnceWhoeverAsksAndHowOften() throws Exception {
    Memo<String, Integer> memo = new Memo<>();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Integer> first =
          pool.submit(
              () ->
                  memo.get(
                      "k",
                      () -> {
                        calls.incrementAndGet();
                        started.countDown();
                        await(release);
                        return 42;
                      }));
      started.await();
      Future<Integer> second = pool.submit(() -> memo.get("k", () -> calls.incrementAndGet()));
      release.countDown();
      assertEquals(42, first.get());
      assertEquals(42, second.get());
    }
    assertEquals(42, memo.get("k", () -> -1));
    assertEquals(1, calls.get());
  }

  @Test
  void aFailureIsEveryonesAnswer() {
    Memo<String, Integer> memo = new Memo<>();
    IllegalStateException broken = new IllegalStateException("broken");
    assertSame(
        broken,
        assertThrows(
            IllegalStateException.class,
            () ->
                memo.get(
                    "k",
                    () -> {
                      throw broken;
                    })));
    CompletionException again =
        assertThrows(CompletionException.class, () -> memo.get("k", () -> 1));
    assertSame(broken, again.getCause());
  }

  @Test
  void aComputationCutShortByAnInterruptIsForgottenAndTheWaiterComputesIt() throws Exception {
    Memo<String, Integer> memo = new Memo<>();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Integer> waiter = new CompletableFuture<>();
    Thread cancelled =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    memo.get(
                        "k",
                        () -> {
                          started.countDown();
                          try {
                            Thread.sleep(60_000);
                            return 1;
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("walk interrupted", e);
                          }
                        });
                  } catch (IllegalStateException expected) {
                    // the cancelled walk ends here
                  }
                });
    started.await();
    Thread.ofVirtual().start(() -> waiter.complete(memo.get("k", () -> 7)));
    Thread.sleep(50);
    cancelled.interrupt();
    assertEquals(7, waiter.get());
    assertEquals(7, memo.get("k", () -> -1));
  }

  @Test
  void forgottenKeysAreAskedAgain() {
    Memo<String, Integer> memo = new Memo<>();
    memo.get("a", () -> 1);
    memo.get("b", () -> 2);
    memo.forget("a"::equals);
    assertEquals(10, memo.get("a", () -> 10));
    assertEquals(2, memo.get("b", () -> 20));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
