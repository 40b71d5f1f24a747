package dev.registryintegrity.cli;

import dev.registryintegrity.InputException;
import dev.registryintegrity.Suggestion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/** A command's arguments parsed by its options, and its --help text: the same for every command. */
final class OptionParser {
  private OptionParser() {}

  /** The --help every command takes. */
  static Option help() {
    return Option.builder("h").longOpt("help").desc("this help").build();
  }

  /** {@code command}'s options with --help. */
  static Options optionsOf(Command command) {
    Options options = command.options();
    if (!options.hasLongOption("help")) {
      options.addOption(help());
    }
    return options;
  }

  /** Commons CLI's errors, as one line that names the option and the fix. */
  static CommandLine parse(Options options, String[] args, String command) {
    try {
      return DefaultParser.builder().setAllowPartialMatching(false).build().parse(options, args);
    } catch (UnrecognizedOptionException e) {
      String given = e.getOption().replaceFirst("^-+", "").replaceFirst("=.*$", "");
      throw new InputException(
          "unknown option '"
              + e.getOption()
              + "': "
              + Suggestion.closest(
                      given,
                      options.getOptions().stream()
                          .map(Option::getLongOpt)
                          .filter(Objects::nonNull)
                          .toList())
                  .map(s -> "did you mean '--" + s + "'? ")
                  .orElse("")
              + "run 'registry-integrity "
              + command
              + " --help' for the options");
    } catch (MissingArgumentException e) {
      throw new InputException(
          "option --"
              + e.getOption().getLongOpt()
              + " needs a value ("
              + e.getOption().getArgName()
              + ")");
    } catch (ParseException e) {
      throw new InputException(
          e.getMessage() + ": run 'registry-integrity " + command + " --help'");
    }
  }

  /** A command's --help text: usage, what it does, its options, how it exits. */
  static String helpText(Command command) {
    Command.About about = command.about();
    StringWriter text = new StringWriter();
    new HelpFormatter()
        .printHelp(
            new PrintWriter(text),
            100,
            about.synopsis(),
            "\n" + about.description() + "\n\n",
            optionsOf(command),
            2,
            4,
            "\n" + about.exitCodes());
    return text.toString().stripTrailing();
  }
}
