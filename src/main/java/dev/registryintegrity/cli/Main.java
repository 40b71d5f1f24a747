package dev.registryintegrity.cli;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.plugin.PluginCommand;
import dev.registryintegrity.plugin.SettingsReader;
import dev.registryintegrity.report.Console;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;

/**
 * Entry point: {@code registry-integrity <verify> [options] [args]}. Only {@link #main} exits the
 * JVM; {@link #run} returns the exit code so tests drive the whole program in-process.
 */
public final class Main {
  /** Every command's name, in the order the usage lists them; {@link #find} makes each. */
  static final List<String> COMMANDS =
      List.of("verify", "probe", "fsck", "refs", "watch", "heal", "gc-check", "retain", "attach");

  private Main() {}

  public static void main(String[] args) {
    PrintWriter out =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    Environment environment =
        new Environment(System.getenv(), System.in, Clock.systemUTC(), System.console() != null);
    System.exit(run(args, environment, out, err));
  }

  /** What the program may see of the world; tests pass their own. */
  public record Environment(
      Map<String, String> variables, InputStream stdin, Clock clock, boolean terminal) {
    public Environment {
      variables = Map.copyOf(variables);
    }
  }

  public static int run(String[] args, Environment environment, PrintWriter out, PrintWriter err) {
    try {
      if (args.length == 0 && SettingsReader.looksLikePlugin(environment.variables())) {
        return new PluginCommand(
                environment.variables(), environment.clock(), version(), versionLine(), out)
            .run()
            .code();
      }
      if (args.length == 0 && environment.variables().containsKey("CI_PIPELINE_EVENT")) {
        throw new InputException(
            "the plugin step has no settings: set repo (with tags) or images under"
                + " settings: in the step, e.g. repo: registry.example.com/team/app, tags: [latest]");
      }
      Console errors = new Console(err);
      if (args.length == 0) {
        errors.line("{}", Console.ours(usage()));
        return ExitCode.USAGE.code();
      }
      String name = args[0];
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      switch (name) {
        case "help", "-h", "--help" -> {
          new Console(out).line("{}", Console.ours(usage()));
          return ExitCode.INTACT.code();
        }
        case "version", "--version" -> {
          new Console(out).line("registry-integrity {}", versionLine());
          return ExitCode.INTACT.code();
        }
        default -> {}
      }
      Command command =
          find(name)
              .orElseThrow(
                  () ->
                      new InputException(
                          "unknown command '"
                              + name
                              + "': use one of "
                              + String.join(", ", COMMANDS)
                              + ", help, version"));
      CommandLine line = OptionParser.parse(OptionParser.optionsOf(command), rest, name);
      if (line.hasOption("help")) {
        new Console(out).line("{}", Console.ours(OptionParser.helpText(command)));
        return ExitCode.INTACT.code();
      }
      return command.run(line, new Context(environment, out, err)).code();
    } catch (InputException e) {
      new Console(err).line("registry-integrity: error: {}", e.getMessage());
      return ExitCode.USAGE.code();
    } catch (InvalidValueException e) {
      // The edge: a value that does not parse and that nothing nearer named (an argument, a
      // setting) is the user's; values from registries and files are caught where they are read.
      new Console(err).line("registry-integrity: error: {}", e.getMessage());
      return ExitCode.USAGE.code();
    } catch (java.io.IOException e) {
      new Console(err).line("registry-integrity: error: {}", e.getMessage());
      return ExitCode.CANNOT_CHECK.code();
    } catch (CannotCheckException e) {
      new Console(err).line("registry-integrity: could not check: {}", e.getMessage());
      return ExitCode.CANNOT_CHECK.code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      new Console(err).line("registry-integrity: interrupted: nothing was decided");
      return ExitCode.CANNOT_CHECK.code();
    } catch (RuntimeException | Error e) {
      // Exit 1 means "the image is broken" and only findings may say that: whatever escaped
      // every handler is a broken check, one line, and the stack trace only when asked for.
      new Console(err)
          .line(
              "registry-integrity: internal error, nothing was decided: {}{}",
              describe(e),
              debugging(args, environment) ? "" : " (run with --debug for the stack trace)");
      if (debugging(args, environment)) {
        e.printStackTrace(err);
      }
      return ExitCode.CANNOT_CHECK.code();
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      return "out of memory (an input or an answer was larger than expected)";
    }
    if (e instanceof StackOverflowError) {
      return "nested too deeply (an input or an answer was deeper than expected)";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static boolean debugging(String[] args, Environment environment) {
    Map<String, String> env = environment.variables();
    return Arrays.asList(args).contains("--debug")
        || "true".equalsIgnoreCase(env.get("PLUGIN_DEBUG"))
        || "debug".equalsIgnoreCase(env.get("PLUGIN_LOG_LEVEL"))
        || "trace".equalsIgnoreCase(env.get("PLUGIN_LOG_LEVEL"));
  }

  /**
   * The command of that name. Only that one is made: a cold start loads no other command's classes
   * (a switch, not a list of instances, for that reason); {@link #commands} makes them all.
   */
  static Optional<Command> find(String name) {
    Command command =
        switch (name) {
          case "verify" -> new VerifyCommand();
          case "probe" -> new ProbeCommand();
          case "fsck" -> new FsckCommand();
          case "refs" -> new RefsCommand();
          case "watch" -> new WatchCommand();
          case "heal" -> new HealCommand();
          case "gc-check" -> new GcCheckCommand();
          case "retain" -> new RetainCommand();
          case "attach" -> new AttachCommand();
          default -> null;
        };
    return Optional.ofNullable(command);
  }

  /** Every command, in the usage's order: for the usage and the docs. */
  static List<Command> commands() {
    List<Command> all = new ArrayList<>();
    for (String name : COMMANDS) {
      all.add(find(name).orElseThrow());
    }
    return all;
  }

  /** The program's usage: every command with its summary, derived from the commands. */
  static String usage() {
    List<String> lines = new ArrayList<>();
    lines.add("usage: registry-integrity <command> [options] [args]");
    lines.add(
        "       (no arguments, with PLUGIN_* settings in the environment: the Woodpecker plugin)");
    lines.add("");
    lines.add("commands:");
    for (Command command : commands()) {
      Command.About about = command.about();
      String call = (about.name() + " " + about.arguments()).strip();
      lines.add("  " + call + " ".repeat(Math.max(1, 18 - call.length())) + about.summary());
    }
    lines.add("  help              this text; 'registry-integrity verify --help' for the options");
    lines.add("  version           print the version");
    lines.add("");
    lines.add("IMAGE is [registry[:port]/]repo[:tag][@digest] or oci:DIR[:TAG].");
    lines.add("exit codes: 0 intact, 1 integrity failure, 2 usage error, 3 could not check");
    return String.join("\n", lines);
  }

  /** From a resource Maven filters, so the jar, the image and the tests all know it. */
  public static String version() {
    return build().getProperty("version", "dev");
  }

  /**
   * The version and the commit it was built from, as {@code version} and the plugin's header say
   * them: "1.0.0 (commit 0123abcd)", "(commit 0123abcd, modified)" for uncommitted changes, no
   * commit when built outside a git clone (from the distribution archive's sources).
   */
  public static String versionLine() {
    java.util.Properties build = build();
    String commit = build.getProperty("commit", "");
    if (!commit.matches("[0-9a-f]{40}")) {
      return version();
    }
    return version()
        + " (commit "
        + commit.substring(0, 12)
        + ("true".equals(build.getProperty("dirty")) ? ", modified" : "")
        + ")";
  }

  private static java.util.Properties build() {
    java.util.Properties p = new java.util.Properties();
    try (var in = Main.class.getResourceAsStream("/dev/registryintegrity/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (java.io.IOException e) {
      // The version is then "dev": a jar without its resource is not a release.
    }
    return p;
  }
}
