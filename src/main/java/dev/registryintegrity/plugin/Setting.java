package dev.registryintegrity.plugin;

import java.util.List;
import java.util.Locale;

/**
 * The plugin's settings. Woodpecker turns each key under {@code settings:} into {@code
 * PLUGIN_<KEY>} ('.' and '-' become '_', upper case); lists of scalars arrive joined with ',', maps
 * and lists of maps as JSON, booleans as {@code true}/{@code false}.
 */
enum Setting {
  REPO(
      "repo",
      "repository (or a list) as in the push step, e.g. registry.example.com:5050/infra-ci"),
  REGISTRY("registry", "registry host for repositories given without one"),
  TAGS("tags", "tags to verify (list); default: the .tags file, else latest", "tag"),
  TAGS_FILE("tags_file", "file of tags, comma- or newline-separated; default .tags when it exists"),
  IMAGES("images", "full image references, instead of repo + tags"),
  USERNAME("username", "registry username (for the registry of repo)"),
  PASSWORD("password", "registry password or token"),
  LOGINS("logins", "list of {registry, username, password}"),
  PLAIN_HTTP(
      "plain_http",
      "the registry speaks plain HTTP (alias: insecure, the docker plugins' name for it)",
      "insecure"),
  SKIP_TLS_VERIFY(
      "skip_tls_verify",
      "do not verify TLS certificates",
      "skip_verify",
      "insecure_skip_verify",
      "tls_skip_verify"),
  CA_CERT("ca_cert", "CA certificate(s) to trust: PEM text or a file path"),
  PLATFORMS("platforms", "platforms that must be in the index, e.g. linux/amd64,linux/arm64"),
  EXPECTED_DIGEST("expected_digest", "digest every tag must resolve to"),
  METADATA_FILE(
      "metadata_file",
      "buildx --metadata-file JSON; its containerimage.digest is the expected digest"),
  CONCURRENCY("concurrency", "requests in flight per registry"),
  REFERRERS(
      "referrers",
      "also verify each manifest's referrers: signatures, SBOMs, attestations (OCI 1.1 and cosign tags)"),
  REQUIRE_ARTIFACT_TYPES(
      "require_artifact_types", "artifact types each image must have an intact referrer of (list)"),
  CHECK_EXTERNAL(
      "check_external",
      "read the first byte of external layers (Windows base layers) from their URL, without credentials"),
  STRICT(
      "strict",
      "warnings fail the step too: an orphaned referrer (a signature whose image is gone)"),
  VERIFY_CONTENT("verify_content", "download every blob once and check its size and sha256"),
  BLOB_CHECK(
      "blob_check",
      "read (default: first byte of every blob served), content, or head (listed only; blind to lost data)"),
  MAX_CONTENT_BYTES(
      "max_content_bytes",
      "with content checks, larger blobs are only read-checked (default 16GiB)"),
  TIMEOUT("timeout", "deadline for the whole check, e.g. 5m"),
  RETRIES("retries", "retries of transient registry errors"),
  REPORT("report", "path of the JSON report, relative to the workspace"),
  LOG_LEVEL("log_level", "info (default) or debug (full report even when intact)"),
  DEBUG("debug", "same as log_level: debug"),
  PROGRESS(
      "progress",
      "a progress line every few seconds once a check runs longer than 3 s (default true)"),
  DRY_RUN("dry_run", "print what would be checked and check nothing");

  private final String key;
  private final String description;
  private final List<String> aliases;

  Setting(String key, String description, String... aliases) {
    this.key = key;
    this.description = description;
    this.aliases = List.of(aliases);
  }

  String key() {
    return key;
  }

  String description() {
    return description;
  }

  /** Every environment name this setting may arrive under, the documented one first. */
  List<String> variables() {
    List<String> names = new java.util.ArrayList<>();
    names.add(variable(key));
    aliases.forEach(a -> names.add(variable(a)));
    return names;
  }

  static String variable(String key) {
    return "PLUGIN_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
