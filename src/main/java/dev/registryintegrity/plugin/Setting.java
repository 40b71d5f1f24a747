package dev.registryintegrity.plugin;

import dev.registryintegrity.verify.CheckOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The plugin's settings: each one's key, aliases, default and its one description, from which the
 * reader's names and the settings tables of the docs are made. The check's inputs take their key,
 * default and text from {@link CheckOption}, the same as the command line's options.
 *
 * <p>Woodpecker turns each key under {@code settings:} into {@code PLUGIN_<KEY>} ('.' and '-'
 * become '_', upper case); lists of scalars arrive joined with ',', maps and lists of maps as JSON,
 * booleans as {@code true}/{@code false}.
 */
enum Setting {
  REPO(
      "repo",
      Level.BASIC,
      "",
      "repository, or a list, as in the push step (`registry.example.com:5050/infra-ci`)"),
  TAGS(
      "tags",
      Level.BASIC,
      described("`.tags` file, else `latest`"),
      "tags to verify (list)",
      "tag"),
  USERNAME(CheckOption.USERNAME, Level.BASIC),
  PASSWORD(CheckOption.PASSWORD, Level.BASIC),
  PLATFORMS(
      "platforms",
      Level.BASIC,
      "",
      "platforms that must be in the index, e.g. `linux/amd64,linux/arm64`"),
  REPORT(
      "report",
      Level.BASIC,
      "",
      "path of the JSON report, relative to the workspace, for later steps (the directory is"
          + " created)"),
  REGISTRY("registry", Level.ADVANCED, "", "registry host for repositories given without one"),
  TAGS_FILE(
      "tags_file",
      Level.ADVANCED,
      described("`.tags` when it exists"),
      "file of tags, comma- or newline-separated (the docker plugins' convention)"),
  IMAGES("images", Level.ADVANCED, "", "full image references, instead of `repo` + `tags`"),
  LOGINS(
      "logins", Level.ADVANCED, "", "list of `{registry, username, password}`, one per registry"),
  PLAIN_HTTP(CheckOption.PLAIN_HTTP, Level.ADVANCED, "insecure"),
  SKIP_TLS_VERIFY(
      CheckOption.SKIP_TLS_VERIFY,
      Level.ADVANCED,
      "skip_verify",
      "insecure_skip_verify",
      "tls_skip_verify"),
  CA_CERT(CheckOption.CA_CERT, Level.ADVANCED),
  EXPECTED_DIGEST(
      "expected_digest",
      Level.ADVANCED,
      "",
      "the digest every tag must resolve to; a tag overwritten by another pipeline fails"),
  METADATA_FILE(
      "metadata_file",
      Level.ADVANCED,
      "",
      "buildx `--metadata-file` JSON; its `containerimage.digest` is the expected digest"),
  CONCURRENCY(CheckOption.CONCURRENCY, Level.ADVANCED),
  REFERRERS(CheckOption.REFERRERS, Level.ADVANCED),
  REQUIRE_ARTIFACT_TYPES(CheckOption.REQUIRE_ARTIFACT_TYPE, Level.ADVANCED),
  CHECK_EXTERNAL(CheckOption.CHECK_EXTERNAL, Level.ADVANCED),
  STRICT(CheckOption.STRICT, Level.ADVANCED),
  VERIFY_CONTENT(CheckOption.VERIFY_CONTENT, Level.ADVANCED),
  BLOB_CHECK(CheckOption.BLOB_CHECK, Level.ADVANCED),
  MAX_CONTENT_BYTES(CheckOption.MAX_CONTENT_BYTES, Level.ADVANCED),
  TIMEOUT(CheckOption.TIMEOUT, Level.ADVANCED),
  RETRIES(CheckOption.RETRIES, Level.ADVANCED),
  LOG_LEVEL(
      "log_level", Level.ADVANCED, "info", "`debug` prints every digest even when all is intact"),
  DEBUG("debug", Level.ADVANCED, "false", "the same as `log_level: debug`"),
  PROGRESS(
      "progress",
      Level.ADVANCED,
      "true",
      "once a check runs longer than 3 s, a line every 5 s: digests checked, and for content"
          + " checks bytes, rate and time left"),
  DRY_RUN(
      "dry_run",
      Level.ADVANCED,
      "false",
      "check the settings, print what would be verified, check nothing");

  /** Where the docs list a setting: the table most steps need, or the one for the rest. */
  enum Level {
    BASIC,
    ADVANCED
  }

  /** A default that is a rule, not a value: shown as written, read by no one. */
  private static final String DESCRIBED = "\u0000";

  /** What a setting is, as its constant states it. */
  private record Spec(
      String key,
      Level level,
      String defaultValue,
      String description,
      List<String> aliases,
      Optional<CheckOption> check) {}

  private final Spec spec;

  Setting(String key, Level level, String defaultValue, String description, String... aliases) {
    this.spec = new Spec(key, level, defaultValue, description, List.of(aliases), Optional.empty());
  }

  /** A check input, as the command line knows it too: one key, one default, one text. */
  Setting(CheckOption option, Level level, String... aliases) {
    this.spec =
        new Spec(
            option.key().orElseThrow(),
            level,
            option.defaultValue().orElse(""),
            option.description()
                + option.range().map(r -> " (" + r.min() + " to " + r.max() + ")").orElse(""),
            List.of(aliases),
            Optional.of(option));
  }

  private static String described(String rule) {
    return DESCRIBED + rule;
  }

  String key() {
    return spec.key();
  }

  Level level() {
    return spec.level();
  }

  /** The default value the reader takes when the setting is absent; empty when it has none. */
  Optional<String> defaultValue() {
    String d = spec.defaultValue();
    return d.isEmpty() || d.startsWith(DESCRIBED) ? Optional.empty() : Optional.of(d);
  }

  /** The default as the docs show it: a value in code font, or the rule as written. */
  Optional<String> documentedDefault() {
    String d = spec.defaultValue();
    if (d.startsWith(DESCRIBED)) {
      return Optional.of(d.substring(DESCRIBED.length()));
    }
    return defaultValue().map(v -> "`" + v + "`");
  }

  String description() {
    return spec.description();
  }

  List<String> aliases() {
    return spec.aliases();
  }

  /** The check input this setting spells, when it is one. */
  Optional<CheckOption> check() {
    return spec.check();
  }

  /** Every environment name this setting may arrive under, the documented one first. */
  List<String> variables() {
    List<String> names = new ArrayList<>();
    names.add(variable(spec.key()));
    spec.aliases().forEach(a -> names.add(variable(a)));
    return names;
  }

  static String variable(String key) {
    return "PLUGIN_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
