package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.plugin.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The docs' options and settings tables are the code's: a changed option or setting without its
 * page fails here. To bring the pages up to date, run {@code mvn test -Dtest=GeneratedDocsTest
 * -Ddocs.write=true}; the spans are rewritten, the prose around them is left alone.
 */
class GeneratedDocsTest {
  private static final boolean WRITE = Boolean.getBoolean("docs.write");

  @Test
  void everyCommandPageListsExactlyTheCommandsOptions() throws IOException {
    for (Command command : Main.commands()) {
      Path page = Path.of("docs", command.about().name() + ".md");
      check(page, "OPTIONS", OptionsTable.markdown(command));
    }
  }

  @Test
  void thePluginPagesListExactlyTheSettings() throws IOException {
    for (Path page : List.of(Path.of("plugin/docs.md"), Path.of("docs/plugin.md"))) {
      check(page, "SETTINGS", SettingsTable.markdown());
    }
  }

  @Test
  void everyCommandHasAPageAndTheUsageNamesIt() {
    String usage = Main.usage();
    for (Command command : Main.commands()) {
      String name = command.about().name();
      assertTrue(Files.exists(Path.of("docs", name + ".md")), "docs/" + name + ".md is missing");
      assertTrue(usage.contains("  " + name + " "), "the usage does not list " + name);
    }
  }

  @Test
  void everyCommandIsFoundByTheNameItsAboutGives() {
    for (String name : Main.COMMANDS) {
      assertEquals(name, Main.find(name).orElseThrow().about().name());
    }
  }

  private static void check(Path page, String what, String generated) throws IOException {
    String begin = "<!-- BEGIN GENERATED " + what + " -->\n";
    String end = "<!-- END GENERATED " + what + " -->";
    String text = Files.readString(page);
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertTrue(from >= 0 && to > from, page + " has no generated " + what + " span");
    String current = text.substring(from + begin.length(), to);
    if (WRITE && !current.equals(generated)) {
      Files.writeString(
          page, text.substring(0, from + begin.length()) + generated + text.substring(to));
      return;
    }
    assertEquals(
        generated,
        current,
        page
            + " is stale: its "
            + what.toLowerCase(java.util.Locale.ROOT)
            + " differ from the code's; run mvn test -Dtest=GeneratedDocsTest -Ddocs.write=true");
  }
}
