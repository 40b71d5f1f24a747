package dev.registryintegrity.model;

/**
 * How the user names the inputs a message may point to: the command line has flags, the plugin has
 * settings, and a message that says "raise --timeout" to someone who wrote a pipeline file sends
 * them looking for something that is not there. The names themselves are {@link Input}'s.
 */
public enum Spelling {
  CLI,
  PLUGIN;

  /**
   * How an error names one input: {@code --concurrency}, or {@code setting concurrency
   * (PLUGIN_CONCURRENCY)}.
   */
  public String input(Input input) {
    return this == CLI
        ? "--" + input.flag()
        : "setting " + input.key().orElseThrow() + " (" + input.variable() + ")";
  }

  /** How an error names two inputs at once: "--a and --b", "settings a and b". */
  public String inputs(Input a, Input b) {
    return this == CLI
        ? "--" + a.flag() + " and --" + b.flag()
        : "settings " + a.key().orElseThrow() + " and " + b.key().orElseThrow();
  }

  /** How a hint names an input: {@code --timeout}, or "the timeout setting". */
  public String hint(Input input) {
    return this == CLI ? "--" + input.flag() : "the " + input.key().orElseThrow() + " setting";
  }

  public String timeout() {
    return hint(Input.TIMEOUT);
  }

  public String caCert() {
    return hint(Input.CA_CERT);
  }

  public String plainHttp() {
    return hint(Input.PLAIN_HTTP);
  }

  public String skipTlsVerify() {
    return hint(Input.SKIP_TLS_VERIFY);
  }

  public String maxContentBytes() {
    return hint(Input.MAX_CONTENT_BYTES);
  }

  public String credentials() {
    return this == CLI
        ? inputs(Input.USERNAME, Input.PASSWORD)
        : "the "
            + Input.USERNAME.key().orElseThrow()
            + " and "
            + Input.PASSWORD.key().orElseThrow()
            + " settings";
  }

  /** "(raise --timeout)", for a message about the run's deadline. */
  public String raiseTimeout() {
    return "(raise " + timeout() + ")";
  }
}
