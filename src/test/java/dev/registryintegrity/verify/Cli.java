package dev.registryintegrity.verify;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.Map;

/** Runs the whole program in-process, as a user would from a shell, and keeps what it printed. */
public final class Cli {
  private Cli() {}

  public record Run(int exitCode, String out, String err) {
    public JsonObject json() {
      return JsonParser.parseString(out).getAsJsonObject();
    }

    /** Everything printed, for assertions on what a user sees (and never sees). */
    public String all() {
      return out + err;
    }
  }

  public static Run run(String... args) {
    return run(Map.of(), "", args);
  }

  public static Run run(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Main.Environment environment =
        new Main.Environment(
            env,
            new ByteArrayInputStream(stdin.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            Clock.systemUTC(),
            false);
    int code = Main.run(args, environment, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }
}
