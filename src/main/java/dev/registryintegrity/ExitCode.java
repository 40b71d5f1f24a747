package dev.registryintegrity;

/** The exit codes of the product contract; every command maps its outcome to one of these. */
public enum ExitCode {
  /** Every digest checked is intact. */
  INTACT(0),
  /** Something referenced is missing, truncated, or does not match its digest. */
  INTEGRITY_FAILURE(1),
  /** Bad usage or configuration: the user must change the input. */
  USAGE(2),
  /** The check could not be completed: network, TLS, auth, persistent server errors. */
  CANNOT_CHECK(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
