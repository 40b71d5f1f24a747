package dev.registryintegrity.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.cli.Option;

/**
 * A command's options as the Markdown table of its page under {@code docs/}: made from the same
 * {@link Command#options()} as its --help, so the page cannot drift from the code.
 */
final class OptionsTable {
  private OptionsTable() {}

  static String markdown(Command command) {
    List<Option> options = new ArrayList<>(OptionParser.optionsOf(command).getOptions());
    options.sort(Comparator.comparing(Option::getLongOpt));
    StringBuilder table = new StringBuilder("| Option | Description |\n| --- | --- |\n");
    for (Option o : options) {
      String name =
          (o.getOpt() == null ? "" : "-" + o.getOpt() + ", ")
              + "--"
              + o.getLongOpt()
              + (o.hasArg() ? " <" + o.getArgName() + ">" : "");
      table
          .append("| `")
          .append(cell(name))
          .append("` | ")
          .append(cell(o.getDescription()))
          .append(" |\n");
    }
    return table.toString();
  }

  /** A table cell: a '|' would end it. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
