package dev.registryintegrity.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times a command the way a user meets it: a new process per run, from start to exit, JVM start-up
 * included. One warm-up run (page cache, the registry's own caches), then {@link #RUNS} timed runs;
 * the median is the figure, min and max show the spread.
 */
final class ColdRuns {
  static final int RUNS = 5;

  /** Wall times of the runs, in milliseconds, sorted. */
  record Timing(String label, List<Long> millis) {
    long median() {
      return millis.get(millis.size() / 2);
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "%-46s %8d ms %8d ms %8d ms",
          label,
          median(),
          millis.get(0),
          millis.get(millis.size() - 1));
    }
  }

  /** Something to do before each run (clearing a cache, a directory) and not timed. */
  interface Setup {
    void run() throws Exception;
  }

  private ColdRuns() {}

  /** Prints {@code title}, the column heads and a row per timing. */
  static void print(String title, List<Timing> timings) {
    System.out.printf(Locale.ROOT, "%n%s (1 warm-up, median of %d)%n", title, RUNS);
    System.out.println(header());
    timings.forEach(t -> System.out.println(t.row()));
  }

  static String header() {
    return String.format(
        Locale.ROOT,
        "%-46s %11s %11s %11s",
        "command (a new process per run)",
        "median",
        "min",
        "max");
  }

  static Timing time(String label, Map<String, String> env, Setup before, List<String> command)
      throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < RUNS + 1; i++) {
      before.run();
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      builder.environment().putAll(env);
      long start = System.nanoTime();
      Process p = builder.start();
      int exit = p.waitFor();
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (exit != 0) {
        throw new IllegalStateException(
            label + " exited " + exit + ": " + String.join(" ", command));
      }
      if (i > 0) {
        millis.add(elapsed);
      }
    }
    Collections.sort(millis);
    return new Timing(label, millis);
  }

  static Timing time(String label, List<String> command) throws Exception {
    return time(label, Map.of(), () -> {}, command);
  }

  static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    f.delete();
  }
}
