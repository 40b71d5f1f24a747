package dev.registryintegrity.model;

import java.util.Locale;

/**
 * How the user names the inputs a message may point to: the command line has flags, the plugin has
 * settings, and a message that says "raise --timeout" to someone who wrote a pipeline file sends
 * them looking for something that is not there.
 */
public enum Spelling {
  CLI,
  PLUGIN;

  /**
   * How an error names one input: {@code --concurrency}, or {@code setting concurrency
   * (PLUGIN_CONCURRENCY)}.
   *
   * @param flag the command line's long option, without dashes
   * @param key the plugin's setting
   */
  public String input(String flag, String key) {
    return this == CLI
        ? "--" + flag
        : "setting " + key + " (PLUGIN_" + key.toUpperCase(Locale.ROOT) + ")";
  }

  /** How an error names two inputs at once: "--a and --b", "settings a and b". */
  public String inputs(String flagA, String keyA, String flagB, String keyB) {
    return this == CLI ? "--" + flagA + " and --" + flagB : "settings " + keyA + " and " + keyB;
  }

  /** How a hint names an input: {@code --timeout}, or "the timeout setting". */
  private String hint(String flag, String key) {
    return this == CLI ? "--" + flag : "the " + key + " setting";
  }

  public String timeout() {
    return hint("timeout", "timeout");
  }

  public String caCert() {
    return hint("ca-cert", "ca_cert");
  }

  public String plainHttp() {
    return hint("plain-http", "plain_http");
  }

  public String skipTlsVerify() {
    return hint("skip-tls-verify", "skip_tls_verify");
  }

  public String maxContentBytes() {
    return hint("max-content-bytes", "max_content_bytes");
  }

  public String credentials() {
    return this == CLI ? "--username and --password" : "the username and password settings";
  }

  /** "(raise --timeout)", for a message about the run's deadline. */
  public String raiseTimeout() {
    return "(raise " + timeout() + ")";
  }
}
