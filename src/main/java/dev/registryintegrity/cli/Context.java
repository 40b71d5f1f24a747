package dev.registryintegrity.cli;

import dev.registryintegrity.report.Console;
import java.io.PrintWriter;

/**
 * What a command may use of the world: the environment, and standard output and error, each also as
 * a {@link Console} (every line a person reads goes through one).
 */
record Context(Main.Environment environment, PrintWriter out, PrintWriter err) {
  Console console() {
    return new Console(out);
  }

  Console errors() {
    return new Console(err);
  }
}
