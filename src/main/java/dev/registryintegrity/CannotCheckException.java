package dev.registryintegrity;

/**
 * The check itself could not run (registry unreachable, TLS failure, credentials refused,
 * persistent 5xx). Exits 3: "the check is broken" is never reported as "the image is broken".
 */
public class CannotCheckException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CannotCheckException(String message) {
    super(message);
  }

  public CannotCheckException(String message, Throwable cause) {
    super(message, cause);
  }
}
