package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher and the plugin image start the JVM with the same start-up flags: they are written
 * twice (a shell array, the image's jvmFlags), and this keeps them one fact.
 */
class StartUpFlagsTest {
  /** The collector and compiler flags bin/registry-integrity starts the JVM with, as written. */
  static List<String> launcherFlags() throws IOException {
    String script = Files.readString(Path.of("bin/registry-integrity"));
    Matcher collector = Pattern.compile("\\ncollector=(\\S+)\\n").matcher(script);
    Matcher array = Pattern.compile("(?s)\\nstart_up=\\(([^)]*)\\)").matcher(script);
    assertTrue(collector.find(), "bin/registry-integrity sets no collector=");
    assertTrue(array.find(), "bin/registry-integrity has no start_up=( ... ) array");
    List<String> launcher = new java.util.ArrayList<>(List.of(collector.group(1)));
    Arrays.stream(array.group(1).trim().split("\\s+"))
        .filter(f -> !f.isEmpty())
        .forEach(launcher::add);
    return launcher;
  }

  @Test
  void launcherAndImageStartTheJvmWithTheSameCollectorAndCompilerFlags() throws IOException {
    List<String> launcher = launcherFlags();

    Matcher flag =
        Pattern.compile("<jvmFlag>(-XX:(?:\\+Use\\w+GC|Tier\\w+=\\d+))</jvmFlag>")
            .matcher(Files.readString(Path.of("pom.xml")));
    List<String> image = flag.results().map(m -> m.group(1)).toList();

    assertFalse(launcher.isEmpty());
    assertEquals(image, launcher);
  }
}
