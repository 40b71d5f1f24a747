package dev.registryintegrity.report;

import java.io.PrintWriter;

/**
 * The writer every line a person reads goes through (the terminal, the CI step log, stderr, a
 * server's log). Our words are the template; every value is an argument, and an argument is shown
 * escaped ({@link Text#safe}) unless it is {@link Ours}: so no call site can forget to escape a
 * registry's message, a setting or a file name. {@code {}} marks where each value goes.
 *
 * <pre>{@code console.line("warning: tags of {} not readable: {}", repository, reason);}</pre>
 */
public final class Console {
  /** Text this program made (a colour code, a padded column of escaped cells): printed as is. */
  public record Ours(String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** An untrusted value allowed to be longer than {@link Text#MAX_LENGTH} before it is cut. */
  public record Cut(Object value, int maxLength) {}

  private final PrintWriter out;

  public Console(PrintWriter out) {
    this.out = out;
  }

  public static Ours ours(String text) {
    return new Ours(text);
  }

  /** An untrusted value cut at {@code maxLength} instead of the default. */
  public static Cut upTo(int maxLength, Object value) {
    return new Cut(value, maxLength);
  }

  /** An untrusted value escaped and padded to {@code width} columns: a table cell. */
  public static Ours cell(Object value, int width) {
    String shown = Text.safe(String.valueOf(value));
    return new Ours(shown.length() >= width ? shown : shown + " ".repeat(width - shown.length()));
  }

  /** Prints one line: {@code template} with each {@code {}} replaced by the next value. */
  public void line(String template, Object... values) {
    out.println(format(template, values));
  }

  public void blank() {
    out.println();
  }

  /** A JSON document this program rendered (JSON's own escaping applies), and a newline. */
  public void json(String document) {
    out.println(document);
  }

  /** The same, written while it is rendered: a registry-wide report need not be one string. */
  public void json(java.util.function.Consumer<java.io.Writer> render) {
    render.accept(out);
    out.println();
  }

  /** Our own status text over the previous one, for a terminal: no newline, flushed. */
  public void overwrite(Ours text) {
    out.print("\r" + text.text());
    out.flush();
  }

  public void flush() {
    out.flush();
  }

  /** The line {@link #line} prints. A template and its values must match in number. */
  public static String format(String template, Object... values) {
    StringBuilder b = new StringBuilder(template.length() + 32 * values.length);
    int at = 0;
    int used = 0;
    for (int mark = template.indexOf("{}"); mark >= 0; mark = template.indexOf("{}", at)) {
      if (used == values.length) {
        throw new IllegalArgumentException("more {} than values in: " + template);
      }
      b.append(template, at, mark).append(shown(values[used++]));
      at = mark + 2;
    }
    if (used != values.length) {
      throw new IllegalArgumentException("more values than {} in: " + template);
    }
    return b.append(template, at, template.length()).toString();
  }

  private static String shown(Object value) {
    return switch (value) {
      case Ours ours -> ours.text();
      case Cut c -> Text.safe(String.valueOf(c.value()), c.maxLength());
      case null -> "";
      default -> Text.safe(String.valueOf(value));
    };
  }
}
