package dev.registryintegrity.report;

import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.walk.Transfer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A long run's progress on stderr or a CI log: quiet for the first few seconds, so short runs print
 * nothing; on a terminal one line rewritten in place, elsewhere a line every few seconds, which a
 * CI log keeps readable. What the line says comes from the caller.
 */
public final class Progress implements AutoCloseable {
  private static final Duration QUIET = Duration.ofSeconds(3);

  private final Supplier<String> line;
  private final Console console;
  private final boolean terminal;
  private final Thread ticker;
  private volatile boolean printed;
  private volatile int width;

  /**
   * @param line what is done so far, asked each time a line is printed (our words, from counts)
   */
  public Progress(Supplier<String> line, PrintWriter err, boolean terminal) {
    this.line = line;
    this.console = new Console(err);
    this.terminal = terminal;
    this.ticker = Thread.ofVirtual().name("progress").start(this::tick);
  }

  /** A walk's progress: digests checked, and for content checks the bytes, rate and time left. */
  public static Supplier<String> walk(String what, Transfer transfer) {
    long started = System.nanoTime();
    return () -> {
      String digests =
          String.format(Locale.ROOT, "%s: %d digests checked", what, transfer.checked());
      long done = transfer.done();
      long planned = Math.max(done, transfer.planned());
      if (planned == 0) {
        return digests;
      }
      double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
      double rate = done / seconds;
      String eta = rate < 1 ? "?" : Math.round((planned - done) / rate) + " s";
      return String.format(
          Locale.ROOT,
          "%s; content %s of %s (%d%%), %s/s, about %s left",
          digests,
          ByteSize.format(done),
          ByteSize.format(planned),
          done * 100 / planned,
          ByteSize.format((long) rate),
          eta);
    };
  }

  private void tick() {
    Duration every = terminal ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    try {
      Thread.sleep(QUIET);
      while (!Thread.currentThread().isInterrupted()) {
        print();
        Thread.sleep(every);
      }
    } catch (InterruptedException e) {
      // closed: the run is over
    }
  }

  private synchronized void print() {
    String text = line.get();
    if (terminal) {
      console.overwrite(Console.ours(text + " ".repeat(Math.max(0, width - text.length()))));
      width = text.length();
    } else {
      console.line("{}", Console.ours(text));
      console.flush();
    }
    printed = true;
  }

  @Override
  public void close() {
    ticker.interrupt();
    try {
      ticker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (printed && terminal) {
      synchronized (this) {
        console.overwrite(Console.ours(" ".repeat(width) + "\r"));
      }
    }
  }
}
