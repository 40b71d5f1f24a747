package dev.registryintegrity.plugin;

import java.util.stream.Collectors;

/**
 * The plugin's settings as the Markdown tables of its docs ({@code plugin/docs.md}, {@code
 * docs/plugin.md}), in the form Woodpecker's plugin index uses ("Settings Name | Default |
 * Description", basic then advanced): made from {@link Setting}, so a setting's text is written
 * once.
 */
public final class SettingsTable {
  private SettingsTable() {}

  public static String markdown() {
    return table(Setting.Level.BASIC)
        + "\n### Advanced settings\n\n"
        + table(Setting.Level.ADVANCED);
  }

  private static String table(Setting.Level level) {
    StringBuilder table =
        new StringBuilder("| Settings Name | Default | Description |\n| --- | --- | --- |\n");
    for (Setting s : Setting.values()) {
      if (s.level() != level) {
        continue;
      }
      table
          .append("| `")
          .append(s.key())
          .append("` | ")
          .append(s.documentedDefault().orElse("none"))
          .append(" | ")
          .append(sentence(s))
          .append(" |\n");
    }
    return table.toString();
  }

  private static String sentence(Setting s) {
    String text = s.description();
    String first = text.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + text.substring(1);
    String aliases =
        s.aliases().isEmpty()
            ? ""
            : " (alias"
                + (s.aliases().size() > 1 ? "es" : "")
                + ": "
                + s.aliases().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "))
                + ")";
    return (first + aliases).replace("|", "\\|");
  }
}
