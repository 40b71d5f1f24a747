package dev.registryintegrity.cli;

import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.walk.Transfer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * A content check's progress on stderr: bytes read of those planned (from the descriptors walked so
 * far), rate and time left. Quiet for the first few seconds, so short runs print nothing; on a
 * terminal one line rewritten in place, elsewhere (asked for with --progress) a line every few
 * seconds, which a CI log keeps readable.
 */
final class ProgressLine implements AutoCloseable {
  private static final Duration QUIET = Duration.ofSeconds(3);

  private final Transfer transfer;
  private final PrintWriter err;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private final Thread ticker;
  private volatile boolean printed;

  ProgressLine(Transfer transfer, PrintWriter err, boolean terminal) {
    this.transfer = transfer;
    this.err = err;
    this.terminal = terminal;
    this.ticker = Thread.ofVirtual().name("progress").start(this::tick);
  }

  private void tick() {
    Duration every = terminal ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    try {
      Thread.sleep(QUIET);
      while (!Thread.currentThread().isInterrupted()) {
        print(terminal ? "\r" : "", terminal ? "" : "\n");
        Thread.sleep(every);
      }
    } catch (InterruptedException e) {
      // closed: the run is over
    }
  }

  private synchronized void print(String before, String after) {
    err.print(before + line() + after);
    err.flush();
    printed = true;
  }

  String line() {
    long done = transfer.done();
    long planned = Math.max(done, transfer.planned());
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    double rate = done / seconds;
    String eta = rate < 1 ? "?" : Long.toString(Math.round((planned - done) / rate)) + " s";
    return String.format(
        Locale.ROOT,
        "content: %s of %s (%d%%), %s/s, about %s left   ",
        ByteSize.format(done),
        ByteSize.format(planned),
        planned == 0 ? 0 : done * 100 / planned,
        ByteSize.format((long) rate),
        eta);
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
        err.print("\r" + " ".repeat(line().length()) + "\r");
        err.flush();
      }
    }
  }
}
