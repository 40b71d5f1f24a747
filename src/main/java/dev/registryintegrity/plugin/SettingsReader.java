package dev.registryintegrity.plugin;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.Suggestion;
import dev.registryintegrity.model.ArtifactTypes;
import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.registry.credentials.CredentialStore;
import dev.registryintegrity.registry.credentials.Credentials;
import dev.registryintegrity.registry.credentials.DockerConfig;
import dev.registryintegrity.registry.transport.ProxySelection;
import dev.registryintegrity.registry.transport.TlsSettings;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.verify.CheckOption;
import dev.registryintegrity.verify.CheckSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@link PluginSettings} from the step's environment. Every error names the setting as the
 * user wrote it in YAML and the variable it arrived in, and says what would be right.
 */
public final class SettingsReader {
  private final Map<String, String> env;
  private final Path workspace;

  /**
   * @param workspace where relative paths (.tags, report, metadata_file, ca_cert) are resolved:
   *     Woodpecker's CI_WORKSPACE, which is also the step's working directory
   */
  public SettingsReader(Map<String, String> env, Path workspace) {
    this.env = env;
    this.workspace = workspace;
  }

  /** Plugin mode: no arguments, and the CI system passed at least one PLUGIN_* setting. */
  public static boolean looksLikePlugin(Map<String, String> env) {
    return env.keySet().stream().anyMatch(k -> k.startsWith("PLUGIN_"));
  }

  public PluginSettings read() {
    List<String> warnings = new ArrayList<>(unknownSettings());
    List<ImageReference> images = images();
    Credentials explicit = explicitCredentials();
    List<String> sources = new ArrayList<>();
    List<CredentialStore> stores = new ArrayList<>();
    if (explicit != null) {
      String registry = images.get(0).registry();
      stores.add(CredentialStore.of(Map.of(registry, explicit)));
      sources.add(
          registry + ": user '" + explicit.username() + "' from settings username/password");
    }
    logins(stores, sources);
    String dockerAuth = env.get("DOCKER_AUTH_CONFIG");
    if (dockerAuth != null && !dockerAuth.isBlank()) {
      stores.add(DockerConfig.parse(dockerAuth, "DOCKER_AUTH_CONFIG"));
      sources.add("DOCKER_AUTH_CONFIG from the environment");
    }
    boolean skipVerify = bool(Setting.SKIP_TLS_VERIFY);
    List<java.security.cert.X509Certificate> cas =
        text(Setting.CA_CERT)
            .map(
                pem ->
                    TlsSettings.readCertificates(
                        name(Setting.CA_CERT),
                        pem.contains("-----BEGIN")
                            ? pem
                            : InputFiles.inside(name(Setting.CA_CERT), workspace, pem).toString(),
                        workspace))
            .orElse(List.of());
    Optional<Digest> expected =
        text(Setting.EXPECTED_DIGEST).map(d -> digest(Setting.EXPECTED_DIGEST, d));
    String expectedSource = expected.isPresent() ? "setting expected_digest" : "";
    Optional<String> metadata = text(Setting.METADATA_FILE);
    if (metadata.isPresent()) {
      if (expected.isPresent()) {
        throw new InputException(
            "settings expected_digest and metadata_file are both set: use one of them");
      }
      expected = Optional.of(metadataDigest(metadata.get()));
      expectedSource = "metadata_file " + metadata.get();
    }
    String logLevel =
        text(Setting.LOG_LEVEL)
            .orElse(Setting.LOG_LEVEL.defaultValue().orElseThrow())
            .toLowerCase(Locale.ROOT);
    if (!Set.of("debug", "info", "warn", "warning", "error", "trace").contains(logLevel)) {
      throw new InputException(
          name(Setting.LOG_LEVEL) + " is '" + logLevel + "': use debug or info");
    }
    CheckSettings.Builder check =
        CheckSettings.builder(Spelling.PLUGIN)
            .plainHttp(bool(Setting.PLAIN_HTTP))
            .credentials(CredentialStore.firstOf(stores))
            .tls(new TlsSettings(skipVerify, cas))
            .proxies(ProxySelection.fromEnvironment(env))
            .blobCheck(
                text(Setting.BLOB_CHECK)
                    .map(v -> wrap(Setting.BLOB_CHECK, () -> BlobCheck.parse("value", v))),
                bool(Setting.VERIFY_CONTENT))
            .requireArtifactTypes(
                wrap(
                    Setting.REQUIRE_ARTIFACT_TYPES,
                    () -> ArtifactTypes.parse(list(Setting.REQUIRE_ARTIFACT_TYPES))));
    for (Setting s : Setting.values()) {
      s.check().flatMap(CheckOption::walkOption).ifPresent(walk -> check.option(walk, bool(s)));
    }
    // Only what is set: the builder holds the defaults and the ranges.
    wholeNumber(Setting.CONCURRENCY).ifPresent(check::concurrency);
    wholeNumber(Setting.RETRIES).ifPresent(check::retries);
    text(Setting.TIMEOUT).map(t -> duration(Setting.TIMEOUT, t)).ifPresent(check::timeout);
    text(Setting.MAX_CONTENT_BYTES)
        .map(v -> wrap(Setting.MAX_CONTENT_BYTES, () -> ByteSize.parse("value", v)))
        .ifPresent(check::maxContentBytes);
    CheckSettings built = check.build();
    boolean debug = bool(Setting.DEBUG) || logLevel.equals("debug") || logLevel.equals("trace");
    return new PluginSettings(
        images,
        built,
        built.expectations(expected, platforms()),
        expectedSource,
        sources,
        text(Setting.REPORT).map(r -> InputFiles.inside(name(Setting.REPORT), workspace, r)),
        debug ? TextReport.Detail.FULL : TextReport.Detail.BRIEF,
        text(Setting.PROGRESS).isEmpty()
            ? Boolean.parseBoolean(Setting.PROGRESS.defaultValue().orElseThrow())
            : bool(Setting.PROGRESS),
        warnings,
        bool(Setting.DRY_RUN));
  }

  private List<ImageReference> images() {
    Set<ImageReference> images = new LinkedHashSet<>();
    for (String image : list(Setting.IMAGES)) {
      images.add(wrap(Setting.IMAGES, () -> ImageReference.parse(image)));
    }
    List<String> repos = list(Setting.REPO);
    if (!repos.isEmpty()) {
      List<String> tags = tags();
      Optional<String> registry =
          text(Setting.REGISTRY).map(r -> registry(Setting.REGISTRY, r).name());
      for (String repo : repos) {
        String full =
            registry.isPresent() && !hasRegistry(repo) ? registry.get() + "/" + repo : repo;
        ImageReference base = wrap(Setting.REPO, () -> ImageReference.parseRepository(full));
        for (String tag : tags) {
          images.add(wrap(Setting.TAGS, () -> base.withTag(tag)));
        }
      }
    } else if (text(Setting.TAGS).isPresent()) {
      throw new InputException(
          "setting tags is set but repo is not: set repo (the repository the push step pushed to)");
    }
    if (images.isEmpty()) {
      throw new InputException(
          "no image to verify: set the repo setting (with tags), or images"
              + " (e.g. repo: registry.example.com/team/app, tags: [latest])");
    }
    return List.copyOf(images);
  }

  private List<String> tags() {
    List<String> tags = list(Setting.TAGS);
    if (!tags.isEmpty()) {
      return tags;
    }
    Optional<String> file = text(Setting.TAGS_FILE);
    Path path = InputFiles.inside(name(Setting.TAGS_FILE), workspace, file.orElse(".tags"));
    if (file.isPresent() || Files.exists(path)) {
      List<String> fromFile = split(InputFiles.readText(name(Setting.TAGS_FILE), path, 1 << 20));
      if (fromFile.isEmpty()) {
        throw new InputException(
            "tags file " + path + " lists no tags: write tags separated by commas or newlines");
      }
      return fromFile;
    }
    return List.of("latest");
  }

  private Credentials explicitCredentials() {
    return CheckSettings.credential(
            text(Setting.USERNAME),
            raw(Setting.PASSWORD),
            "setting password is set but username is not: set both (from_secret)",
            "setting username is set but password is not: set both (from_secret)",
            "settings username/password")
        .orElse(null);
  }

  private void logins(List<CredentialStore> stores, List<String> sources) {
    Optional<String> json = raw(Setting.LOGINS).filter(s -> !s.isBlank());
    if (json.isEmpty()) {
      return;
    }
    String what = name(Setting.LOGINS);
    JsonElement parsed;
    try {
      parsed = JsonParser.parseString(json.get());
    } catch (JsonParseException e) {
      throw new InputException(
          what + " is not JSON: give a list of {registry, username, password}");
    }
    if (!parsed.isJsonArray()) {
      throw new InputException(
          what + " is not a list: give a list of {registry, username, password}");
    }
    Map<String, Credentials> byRegistry = new LinkedHashMap<>();
    int i = 0;
    for (JsonElement element : parsed.getAsJsonArray()) {
      if (!element.isJsonObject()) {
        throw new InputException(what + "[" + i + "] is not a {registry, username, password} map");
      }
      JsonObject login = element.getAsJsonObject();
      String registry =
          string(login, "registry")
              .map(r -> registry(Setting.LOGINS, r).name())
              .orElse(RegistryName.DOCKER_HUB.name());
      String user =
          string(login, "username")
              .orElseThrow(() -> new InputException(what + "[" + registry + "] has no username"));
      String password =
          string(login, "password")
              .orElseThrow(() -> new InputException(what + "[" + registry + "] has no password"));
      byRegistry.putIfAbsent(registry, new Credentials(user, password, "settings logins"));
      sources.add(registry + ": user '" + user + "' from settings logins");
      i++;
    }
    stores.add(CredentialStore.of(byRegistry));
  }

  private static Optional<String> string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() || !e.isJsonPrimitive() || e.getAsString().isBlank()
        ? Optional.empty()
        : Optional.of(e.getAsString());
  }

  private List<Platform> platforms() {
    return list(Setting.PLATFORMS).stream()
        .map(p -> wrap(Setting.PLATFORMS, () -> Platform.parse(p)))
        .toList();
  }

  /** buildx writes {"containerimage.digest": ...}; bake writes one such object per target. */
  private Digest metadataDigest(String file) {
    String what = name(Setting.METADATA_FILE);
    Path path = InputFiles.inside(what, workspace, file);
    if (!Files.exists(path)) {
      throw new InputException(
          what
              + ": "
              + path
              + " does not exist: write it with buildx --metadata-file in the push step");
    }
    JsonObject json;
    try {
      json =
          JsonParser.parseString(InputFiles.readText(what, path, InputFiles.SMALL))
              .getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new InputException(
          what + ": " + path + " is not a JSON object as buildx --metadata-file writes it");
    }
    List<String> found = new ArrayList<>();
    if (json.has("containerimage.digest")) {
      found.add(json.get("containerimage.digest").getAsString());
    } else {
      for (var entry : json.entrySet()) {
        if (entry.getValue().isJsonObject()
            && entry.getValue().getAsJsonObject().has("containerimage.digest")) {
          found.add(entry.getValue().getAsJsonObject().get("containerimage.digest").getAsString());
        }
      }
    }
    if (found.size() != 1) {
      throw new InputException(
          what
              + ": "
              + path
              + (found.isEmpty()
                  ? " has no containerimage.digest"
                  : " has several containerimage.digest values: set expected_digest instead"));
    }
    return digest(Setting.METADATA_FILE, found.get(0));
  }

  /**
   * A mistyped setting would silently drop what it asked for (a platform requirement, a tag), and
   * the step would stay green: every PLUGIN_* variable must be a known setting, or the step fails
   * naming the closest one.
   */
  private List<String> unknownSettings() {
    Set<String> known = new TreeSet<>();
    for (Setting s : Setting.values()) {
      known.addAll(s.variables());
    }
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith("PLUGIN_") && !known.contains(name)) {
        String key = name.substring("PLUGIN_".length()).toLowerCase(Locale.ROOT);
        throw new InputException(
            "unknown setting '"
                + key
                + "' ("
                + name
                + "): "
                + closest(key)
                    .map(s -> "did you mean '" + s + "'?")
                    .orElse("not a setting of this plugin (its docs list them)"));
      }
    }
    return List.of();
  }

  private static Optional<String> closest(String key) {
    return Suggestion.closest(key, Arrays.stream(Setting.values()).map(Setting::key).toList());
  }

  /** The raw value under the first of the setting's names that is present, even if empty. */
  private Optional<String> raw(Setting setting) {
    for (String variable : setting.variables()) {
      if (env.containsKey(variable)) {
        return Optional.of(env.get(variable));
      }
    }
    return Optional.empty();
  }

  /** A present, non-blank value. An empty variable is what an empty YAML string sets: unset. */
  private Optional<String> text(Setting setting) {
    return raw(setting).filter(v -> !v.isBlank());
  }

  private List<String> list(Setting setting) {
    return text(setting).map(SettingsReader::split).orElse(List.of());
  }

  /** Woodpecker joins YAML lists with ','; files use newlines; both are accepted. */
  private static List<String> split(String value) {
    return Arrays.stream(value.split("[,\\n\\r]+"))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .distinct()
        .toList();
  }

  private boolean bool(Setting setting) {
    Optional<String> value = text(setting);
    if (value.isEmpty()) {
      return false;
    }
    return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new InputException(name(setting) + " is '" + value.get() + "': use true or false");
    };
  }

  private Optional<Integer> wholeNumber(Setting setting) {
    return text(setting)
        .map(
            value -> {
              try {
                return Integer.parseInt(value.trim());
              } catch (NumberFormatException e) {
                throw new InputException(name(setting) + " is '" + value + "': use a whole number");
              }
            });
  }

  private Duration duration(Setting setting, String value) {
    return wrap(setting, () -> Durations.parse("value", value));
  }

  private Digest digest(Setting setting, String value) {
    return wrap(setting, () -> Digest.parse(value.trim()));
  }

  private String name(Setting setting) {
    String present =
        setting.variables().stream()
            .filter(env::containsKey)
            .findFirst()
            .orElse(setting.variables().get(0));
    return "setting " + setting.key() + " (" + present + ")";
  }

  private <T> T wrap(Setting setting, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InputException | InvalidValueException e) {
      throw new InputException(name(setting) + ": " + e.getMessage());
    }
  }

  private static boolean hasRegistry(String repo) {
    int slash = repo.indexOf('/');
    return slash > 0 && RegistryName.looksLikeRegistry(repo.substring(0, slash));
  }

  /**
   * A registry as a setting names it: the docker plugins' settings take a URL ({@code
   * https://registry.example.com/}), so its scheme and trailing slash are dropped first.
   */
  private RegistryName registry(Setting setting, String given) {
    String r = given.trim();
    int scheme = r.indexOf("://");
    String host = scheme >= 0 ? r.substring(scheme + 3) : r;
    String bare = host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
    return wrap(setting, () -> RegistryName.parse(bare));
  }
}
