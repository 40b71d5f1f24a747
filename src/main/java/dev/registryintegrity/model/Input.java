package dev.registryintegrity.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Each input a check takes, by the names its two spellings give it: the command line's flag and the
 * plugin's setting. Messages name inputs through {@link Spelling}, which reads them here.
 */
public enum Input {
  PLAIN_HTTP("plain-http", "plain_http"),
  SKIP_TLS_VERIFY("skip-tls-verify", "skip_tls_verify"),
  CA_CERT("ca-cert", "ca_cert"),
  USERNAME("username", "username"),
  PASSWORD("password", "password"),
  CONCURRENCY("concurrency", "concurrency"),
  RETRIES("retries", "retries"),
  TIMEOUT("timeout", "timeout"),
  CONNECT_TIMEOUT("connect-timeout", ""),
  READ_TIMEOUT("read-timeout", ""),
  BLOB_CHECK("blob-check", "blob_check"),
  VERIFY_CONTENT("verify-content", "verify_content"),
  MAX_CONTENT_BYTES("max-content-bytes", "max_content_bytes"),
  REFERRERS("referrers", "referrers"),
  REQUIRE_ARTIFACT_TYPE("require-artifact-type", "require_artifact_types"),
  CHECK_EXTERNAL("check-external", "check_external"),
  STRICT("strict", "strict"),
  READ_EVERY_REPOSITORY("read-every-repository", "");

  private final String flag;
  private final String key;

  Input(String flag, String key) {
    this.flag = flag;
    this.key = key;
  }

  /** The command line's long option, without dashes. */
  public String flag() {
    return flag;
  }

  /** The plugin's setting; empty when the plugin does not take it. */
  public Optional<String> key() {
    return key.isEmpty() ? Optional.empty() : Optional.of(key);
  }

  /** The environment variable Woodpecker sets for the setting. */
  public String variable() {
    return "PLUGIN_" + key.toUpperCase(Locale.ROOT);
  }
}
