package dev.registryintegrity;

/**
 * Bad input from the user: a setting, a reference, a file. Always exits 2.
 *
 * <p>The message is one line that names the input and says how to fix it; it is printed as is,
 * never with a stack trace.
 */
public class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }
}
