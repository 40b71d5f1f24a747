package dev.registryintegrity.watch;

import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.TextReport;
import java.io.PrintWriter;

/**
 * The receiver's log, written by the HTTP threads and the workers at once: each line whole, our
 * words with every value escaped (see {@link Console}), flushed as it is written.
 */
final class WatchLog {
  private final PrintWriter out;
  private final Console console;

  WatchLog(PrintWriter out) {
    this.out = out;
    this.console = new Console(out);
  }

  void line(String template, Object... values) {
    synchronized (out) {
      console.line(template, values);
      console.flush();
    }
  }

  /** What a walk found broken, as {@code verify} prints it, with no other line inside it. */
  void failures(RunReport report) {
    synchronized (out) {
      new TextReport(false, TextReport.Detail.FAILURES).render(report, out);
      out.flush();
    }
  }
}
