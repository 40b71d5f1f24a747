package dev.registryintegrity.verify;

import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.registry.transport.TransportSettings;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.WalkLimits;
import java.util.Optional;

/**
 * Every input of a check, however it is spelled: its command-line flag, its plugin setting, its one
 * default, its range and its one description. The command line's options, the plugin's settings,
 * the {@link CheckSettings.Builder}'s rules and the generated docs all read this table, so a
 * default or a range is written once.
 */
public enum CheckOption {
  PLAIN_HTTP(
      "plain-http",
      "plain_http",
      "",
      "false",
      "the registry speaks plain HTTP, not HTTPS (a loopback registry gets whichever it speaks)"),
  SKIP_TLS_VERIFY(
      "skip-tls-verify",
      "skip_tls_verify",
      "",
      "false",
      "do not verify TLS certificates (the report says so)"),
  CA_CERT(
      "ca-cert",
      "ca_cert",
      "FILE",
      "",
      "PEM CA certificate(s) to trust besides the system's (a file; the plugin also takes the PEM"
          + " text itself)"),
  USERNAME("username", "username", "USER", "", "registry username, with the password"),
  PASSWORD(
      "password",
      "password",
      "PASSWORD",
      "",
      "registry password or token (prefer --password-stdin on the command line, from_secret in a"
          + " pipeline)"),
  CONCURRENCY(
      "concurrency",
      "concurrency",
      "N",
      String.valueOf(WalkLimits.DEFAULT_CONCURRENCY),
      "requests in flight per registry",
      new Range(1, 256)),
  RETRIES(
      "retries",
      "retries",
      "N",
      String.valueOf(RetryPolicy.DEFAULT_RETRIES),
      "retries of 408, 429, 5xx and broken connections, with backoff (Retry-After honoured)",
      new Range(0, 20)),
  TIMEOUT(
      "timeout",
      "timeout",
      "DURATION",
      Durations.format(CheckSettings.DEFAULT_TIMEOUT),
      "deadline for the whole run, e.g. 90s, 5m, 1h"),
  CONNECT_TIMEOUT(
      "connect-timeout",
      "",
      "DURATION",
      Durations.format(TransportSettings.DEFAULT_CONNECT_TIMEOUT),
      "time to establish a connection"),
  READ_TIMEOUT(
      "read-timeout",
      "",
      "DURATION",
      Durations.format(TransportSettings.DEFAULT_READ_TIMEOUT),
      "longest wait for an answer on an open connection"),
  BLOB_CHECK(
      "blob-check",
      "blob_check",
      "head|read|content",
      BlobCheck.READ.label(),
      "what a blob must show to be intact: read = its first byte served (a registry's descriptor"
          + " cache answers HEAD for blobs whose data is gone), content = every byte downloaded and"
          + " hashed, head = only listed (blind to lost data; for registries that meter GETs)"),
  VERIFY_CONTENT(
      "verify-content",
      "verify_content",
      "",
      "false",
      "download every blob once and check its size and digest (the same as blob check content)"),
  MAX_CONTENT_BYTES(
      "max-content-bytes",
      "max_content_bytes",
      "SIZE",
      (BlobCheck.DEFAULT_MAX_CONTENT_BYTES >> 30) + "GiB",
      "with content checks, larger blobs are only read-checked (the report says which)"),
  REFERRERS(
      "referrers",
      "referrers",
      "",
      "false",
      "also find and walk each manifest's referrers: signatures, SBOMs, attestations (OCI 1.1"
          + " referrers API or fallback tag, and cosign's .sig/.att/.sbom tags; one request more"
          + " per manifest)"),
  REQUIRE_ARTIFACT_TYPE(
      "require-artifact-type",
      "require_artifact_types",
      "TYPE",
      "",
      "each image needs an intact referrer of this artifact type, e.g."
          + " application/vnd.dev.cosign.artifact.sig.v1+json (repeatable, or a list; turns"
          + " referrers on)"),
  CHECK_EXTERNAL(
      "check-external",
      "check_external",
      "",
      "false",
      "external layers the registry does not hold (Windows base layers: a descriptor with urls, or"
          + " a foreign or non-distributable type) pass as external; with this, each one's first"
          + " byte is read from its URL, without any registry credential"),
  STRICT(
      "strict",
      "strict",
      "",
      "false",
      "warnings fail too: an orphaned referrer (a signature, SBOM or attestation whose image is"
          + " gone) exits 1"),
  READ_EVERY_REPOSITORY(
      "read-every-repository",
      "",
      "",
      "false",
      "read (or hash) a blob's bytes in every repository that references it; by default once per"
          + " run, the other repositories' links checked with a HEAD");

  /** The whole numbers an input takes, both ends included. */
  public record Range(int min, int max) {
    public boolean contains(int value) {
      return value >= min && value <= max;
    }
  }

  /** One input's facts, as the constant states them ("" where it has none). */
  private record Spec(
      String flag,
      String key,
      String argument,
      String defaultValue,
      String description,
      Optional<Range> range) {}

  private final Spec spec;

  CheckOption(String flag, String key, String argument, String defaultValue, String description) {
    this(flag, key, argument, defaultValue, description, null);
  }

  CheckOption(
      String flag,
      String key,
      String argument,
      String defaultValue,
      String description,
      Range range) {
    this.spec =
        new Spec(flag, key, argument, defaultValue, description, Optional.ofNullable(range));
  }

  /** The command line's long option, without dashes. */
  public String flag() {
    return spec.flag();
  }

  /** The plugin's setting; empty when the plugin does not take it. */
  public Optional<String> key() {
    return present(spec.key());
  }

  /** What the option's value looks like ("N", "DURATION"); empty for a switch. */
  public Optional<String> argument() {
    return present(spec.argument());
  }

  /** The default as a user would write it; empty when there is none. */
  public Optional<String> defaultValue() {
    return present(spec.defaultValue());
  }

  private static Optional<String> present(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  public String description() {
    return spec.description();
  }

  public Optional<Range> range() {
    return spec.range();
  }

  /** The description with the default and the range, as help texts and docs print it. */
  public String describe() {
    String suffix =
        defaultValue()
            .filter(d -> argument().isPresent())
            .map(d -> "default " + d)
            .map(d -> range().map(r -> d + ", " + r.min() + " to " + r.max()).orElse(d))
            .map(d -> " (" + d + ")")
            .orElse("");
    return description() + suffix;
  }

  /** How an error names this input in {@code spelling}. */
  public String nameIn(Spelling spelling) {
    return spelling.input(spec.flag(), spec.key());
  }
}
