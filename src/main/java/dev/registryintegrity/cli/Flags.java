package dev.registryintegrity.cli;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.reference.RegistryName;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/**
 * Typed values read from a parsed command line, each error one line naming the option and what
 * would be right. Shared by every command; the registry connection's options are {@link
 * ConnectionOptions}.
 */
final class Flags {
  private Flags() {}

  /**
   * An option with a value and a default: its help states the very default its reading uses.
   *
   * @param fallback the default, as a user would write it
   */
  record Defaulted(String name, String argument, String fallback, String description) {
    Option option() {
      return valued(name, argument, description + " (default " + fallback + ")");
    }

    String value(CommandLine line) {
      return line.getOptionValue(name, fallback);
    }

    /** The option as the user writes it, for messages. */
    String flag() {
      return "--" + name;
    }
  }

  /** {@code --log-level info|debug}: what each level shows, in the command's words. */
  static Defaulted logLevel(String info, String debug) {
    return new Defaulted("log-level", "info|debug", "info", "info: " + info + "; debug: " + debug);
  }

  /**
   * Whether {@code --log-level} asks for the detail: debug (or trace) does, info (or warn, error)
   * does not, anything else is refused.
   */
  static boolean debug(Defaulted logLevel, CommandLine line) {
    String level = logLevel.value(line).trim().toLowerCase(Locale.ROOT);
    return switch (level) {
      case "debug", "trace" -> true;
      case "info", "warn", "warning", "error" -> false;
      default ->
          throw new InputException("--log-level '" + level + "' is not known: use info or debug");
    };
  }

  private static final Defaulted FORMAT = new Defaulted("format", "text|json", "text", "");

  /** The {@code --format} option every reporting command offers; {@link #json} reads it. */
  static Option format(String description) {
    return new Defaulted(FORMAT.name(), FORMAT.argument(), FORMAT.fallback(), description).option();
  }

  /** A long option with a value; {@code argument} says what the value looks like. */
  static Option valued(String name, String argument, String description) {
    return Option.builder().longOpt(name).hasArg().argName(argument).desc(description).build();
  }

  /** A long option without a value. */
  static Option flag(String name, String description) {
    return Option.builder().longOpt(name).desc(description).build();
  }

  /** {@code --format}: text (the default) or json. */
  static boolean json(CommandLine line) {
    String format = FORMAT.value(line);
    return switch (format) {
      case "text" -> false;
      case "json" -> true;
      default ->
          throw new InputException("--format '" + format + "' is not known: use text or json");
    };
  }

  /** {@code value} as a whole number; {@code name} is the option as the user wrote it. */
  static int wholeNumber(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InputException(name + " '" + value + "' is not a whole number");
    }
  }

  /** A whole number of at least 1; {@code name} is the option as the user wrote it. */
  static int positive(String name, String text) {
    int value = wholeNumber(name, text);
    if (value < 1) {
      throw new InputException(name + " " + value + " must be at least 1");
    }
    return value;
  }

  /** A number of zero or more; 0 when absent. */
  static double nonNegative(CommandLine line, String name) {
    String v = line.getOptionValue(name);
    if (v == null) {
      return 0;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (d < 0 || Double.isNaN(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new InputException("--" + name + " '" + v + "' is not a non-negative number");
    }
  }

  static Duration duration(Defaulted option, CommandLine line) {
    return Durations.parse(option.flag(), option.value(line));
  }

  static int positive(Defaulted option, CommandLine line) {
    return positive(option.flag(), option.value(line));
  }

  /** A repeatable option's values as given. */
  static List<String> repeated(CommandLine line, String name) {
    String[] values = line.getOptionValues(name);
    return values == null ? List.of() : List.of(values);
  }

  /** A repeatable option's values, each of which may list several, comma or space separated. */
  static List<String> list(CommandLine line, String name) {
    List<String> all = new java.util.ArrayList<>();
    for (String value : repeated(line, name)) {
      for (String one : value.split("[,\\s]+")) {
        if (!one.isBlank()) {
          all.add(one);
        }
      }
    }
    return all;
  }

  static Optional<Digest> digest(CommandLine line, String name) {
    String value = line.getOptionValue(name);
    return value == null ? Optional.empty() : Optional.of(digest("--" + name, value));
  }

  static Digest digest(String option, String value) {
    try {
      return Digest.parse(value.trim());
    } catch (InvalidValueException e) {
      throw new InputException(option + ": " + e.getMessage());
    }
  }

  /** {@code --registry HOST[:PORT]}; {@code whenMissing} says what to give when it is absent. */
  static RegistryName registry(CommandLine line, String whenMissing) {
    String given =
        Optional.ofNullable(line.getOptionValue("registry"))
            .map(String::trim)
            .filter(r -> !r.isEmpty())
            .orElseThrow(() -> new InputException(whenMissing));
    try {
      return RegistryName.parse(given);
    } catch (InvalidValueException e) {
      throw new InputException("--registry: " + e.getMessage());
    }
  }

  static URI url(String what, String text) {
    try {
      URI uri = URI.create(text.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new InputException(
          what + " '" + text + "' is not a URL: write e.g. http://pushgateway:9091");
    }
  }

  static InetSocketAddress address(String what, String text) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    try {
      int port = Integer.parseInt(t.substring(colon + 1));
      String host = colon <= 0 ? "0.0.0.0" : t.substring(0, colon);
      return new InetSocketAddress(host, port);
    } catch (RuntimeException e) {
      throw new InputException(
          what + " '" + text + "' is not [HOST]:PORT: write e.g. :9100 or 127.0.0.1:9100");
    }
  }
}
