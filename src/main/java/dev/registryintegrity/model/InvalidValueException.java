package dev.registryintegrity.model;

/**
 * A value that is not what it claims to be: a digest, an image reference, a platform, a size, a
 * duration. The model's parsers throw it and do not know where the text came from; whoever read the
 * text does. A setting or an option turns it into a usage error at the command line's or the
 * plugin's edge (exit 2); an answer from a registry or a file is caught where it is read and
 * reported as what it is there (a malformed manifest, a skipped event, a skipped name).
 */
public final class InvalidValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidValueException(String message) {
    super(message);
  }
}
