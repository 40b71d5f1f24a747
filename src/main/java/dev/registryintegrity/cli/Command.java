package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import java.io.IOException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One of the program's commands. {@link Main}'s dispatch, its usage text, each command's {@code
 * --help} and its page under {@code docs/} (the options table) are all derived from these, so a
 * command and its documentation cannot drift apart.
 */
interface Command {

  /**
   * What a command says of itself.
   *
   * @param name how it is called ({@code gc-check})
   * @param arguments what follows it in the usage list ({@code IMAGE...}), may be empty
   * @param summary one line for the usage list
   * @param synopsis the usage line(s) of its --help and its page
   * @param description what it does, for --help
   * @param exitCodes how it exits, for --help
   */
  record About(
      String name,
      String arguments,
      String summary,
      String synopsis,
      String description,
      String exitCodes) {}

  About about();

  /** Its options, built afresh (Commons CLI's are mutable); --help is added by {@link Main}. */
  Options options();

  /** Runs with the parsed command line; the exit code says what was found. */
  ExitCode run(CommandLine line, Context context) throws IOException, InterruptedException;
}
