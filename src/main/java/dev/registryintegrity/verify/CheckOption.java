package dev.registryintegrity.verify;

import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.Input;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.registry.transport.TransportSettings;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.WalkLimits;
import dev.registryintegrity.walk.WalkPolicy;
import java.util.Optional;

/**
 * Every input of a check, however it is spelled: its command-line flag, its plugin setting, its one
 * default, its range and its one description. The command line's options, the plugin's settings,
 * the {@link CheckSettings.Builder}'s rules and the generated docs all read this table, so a
 * default or a range is written once.
 */
public enum CheckOption {
  PLAIN_HTTP(
      Input.PLAIN_HTTP,
      "",
      "false",
      "the registry speaks plain HTTP, not HTTPS (a loopback registry gets whichever it speaks)"),
  SKIP_TLS_VERIFY(
      Input.SKIP_TLS_VERIFY, "", "false", "do not verify TLS certificates (the report says so)"),
  CA_CERT(Input.CA_CERT, "FILE", "", "PEM CA certificate(s) to trust besides the system's"),
  USERNAME(Input.USERNAME, "USER", "", "registry username, with the password"),
  PASSWORD(Input.PASSWORD, "PASSWORD", "", "registry password or token, with the username"),
  CONCURRENCY(
      Input.CONCURRENCY,
      "N",
      String.valueOf(WalkLimits.DEFAULT_CONCURRENCY),
      "requests in flight per registry (HTTPS: HTTP/2 streams on one connection;"
          + " plain HTTP, a proxy or no HTTP/2: connections)",
      new Range(1, 256)),
  RETRIES(
      Input.RETRIES,
      "N",
      String.valueOf(RetryPolicy.DEFAULT_RETRIES),
      "retries of 408, 429, 5xx and broken connections, with backoff (Retry-After honoured)",
      new Range(0, 20)),
  TIMEOUT(
      Input.TIMEOUT,
      "DURATION",
      Durations.format(CheckSettings.DEFAULT_TIMEOUT),
      "deadline for the whole run, e.g. 90s, 5m, 1h"),
  CONNECT_TIMEOUT(
      Input.CONNECT_TIMEOUT,
      "DURATION",
      Durations.format(TransportSettings.DEFAULT_CONNECT_TIMEOUT),
      "time to establish a connection"),
  READ_TIMEOUT(
      Input.READ_TIMEOUT,
      "DURATION",
      Durations.format(TransportSettings.DEFAULT_READ_TIMEOUT),
      "longest wait for an answer on an open connection"),
  BLOB_CHECK(
      Input.BLOB_CHECK,
      "head|read|content",
      BlobCheck.READ.label(),
      "what a blob must show to be intact: read = its first byte served (a registry's descriptor"
          + " cache answers HEAD for blobs whose data is gone), content = every byte downloaded and"
          + " hashed, head = only listed (blind to lost data; for registries that meter GETs)"),
  VERIFY_CONTENT(
      Input.VERIFY_CONTENT,
      "",
      "false",
      "download every blob once and check its size and digest (the same as blob check content)"),
  MAX_CONTENT_BYTES(
      Input.MAX_CONTENT_BYTES,
      "SIZE",
      (BlobCheck.DEFAULT_MAX_CONTENT_BYTES >> 30) + "GiB",
      "with content checks, larger blobs are only read-checked (the report says which)"),
  REFERRERS(
      Input.REFERRERS,
      WalkPolicy.Option.REFERRERS,
      "also find and walk each manifest's referrers: signatures, SBOMs, attestations (OCI 1.1"
          + " referrers API or fallback tag, and cosign's .sig/.att/.sbom tags; one request more"
          + " per manifest)"),
  REQUIRE_ARTIFACT_TYPE(
      Input.REQUIRE_ARTIFACT_TYPE,
      "TYPE",
      "",
      "each image needs an intact referrer of this artifact type, e.g."
          + " application/vnd.dev.cosign.artifact.sig.v1+json (repeatable, or a list; turns"
          + " referrers on)"),
  CHECK_EXTERNAL(
      Input.CHECK_EXTERNAL,
      WalkPolicy.Option.CHECK_EXTERNAL,
      "external layers the registry does not hold (Windows base layers: a descriptor with urls, or"
          + " a foreign or non-distributable type) pass as external; with this, each one's first"
          + " byte is read from its URL, without any registry credential"),
  STRICT(
      Input.STRICT,
      WalkPolicy.Option.STRICT,
      "warnings fail too: an orphaned referrer (a signature, SBOM or attestation whose image is"
          + " gone) exits 1"),
  READ_EVERY_REPOSITORY(
      Input.READ_EVERY_REPOSITORY,
      WalkPolicy.Option.READ_EVERY_REPOSITORY,
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
      Input input,
      String argument,
      String defaultValue,
      String description,
      Optional<Range> range,
      Optional<WalkPolicy.Option> walkOption) {}

  private final Spec spec;

  CheckOption(Input input, String argument, String defaultValue, String description) {
    this(input, argument, defaultValue, description, null);
  }

  CheckOption(Input input, String argument, String defaultValue, String description, Range range) {
    this.spec =
        new Spec(
            input,
            argument,
            defaultValue,
            description,
            Optional.ofNullable(range),
            Optional.empty());
  }

  /** A switch that turns one of the walk's options on. */
  CheckOption(Input input, WalkPolicy.Option walkOption, String description) {
    this.spec =
        new Spec(input, "", "false", description, Optional.empty(), Optional.of(walkOption));
  }

  public Input input() {
    return spec.input();
  }

  /** The command line's long option, without dashes. */
  public String flag() {
    return spec.input().flag();
  }

  /** The plugin's setting; empty when the plugin does not take it. */
  public Optional<String> key() {
    return spec.input().key();
  }

  /** The walk's option this switch turns on, when it is one. */
  public Optional<WalkPolicy.Option> walkOption() {
    return spec.walkOption();
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
    // Plain code: every command's help is built at start-up, and lambdas cost a cold JVM.
    if (spec.defaultValue().isEmpty() || spec.argument().isEmpty()) {
      return spec.description();
    }
    String range =
        spec.range().isPresent()
            ? ", " + spec.range().get().min() + " to " + spec.range().get().max()
            : "";
    return spec.description() + " (default " + spec.defaultValue() + range + ")";
  }

  /** How an error names this input in {@code spelling}. */
  public String nameIn(Spelling spelling) {
    return spelling.input(spec.input());
  }
}
