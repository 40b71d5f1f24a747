package dev.registryintegrity.model;

/**
 * How the user names the inputs a message may point to: the command line has flags, the plugin has
 * settings, and a message that says "raise --timeout" to someone who wrote a pipeline file sends
 * them looking for something that is not there.
 */
public record Spelling(
    String timeout,
    String caCert,
    String plainHttp,
    String skipTlsVerify,
    String maxContentBytes,
    String credentials) {
  public static final Spelling CLI =
      new Spelling(
          "--timeout",
          "--ca-cert",
          "--plain-http",
          "--skip-tls-verify",
          "--max-content-bytes",
          "--username and --password");
  public static final Spelling PLUGIN =
      new Spelling(
          "the timeout setting",
          "the ca_cert setting",
          "the plain_http setting",
          "the skip_tls_verify setting",
          "the max_content_bytes setting",
          "the username and password settings");

  /** "(raise --timeout)", for a message about the run's deadline. */
  public String raiseTimeout() {
    return "(raise " + timeout + ")";
  }
}
