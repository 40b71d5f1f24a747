package dev.registryintegrity.registry.credentials;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.registryintegrity.InputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Docker config JSON ({@code ~/.docker/config.json}, {@code DOCKER_AUTH_CONFIG}, podman's {@code
 * auth.json}). Per registry, first match wins: {@code credHelpers}, then {@code auths} ({@code
 * auth} = base64 of user:password, or {@code username}/{@code password}, or an {@code
 * identitytoken}), then the {@code credsStore} helper for everything else.
 */
public final class DockerConfig {
  private DockerConfig() {}

  public static CredentialStore parse(String json, String what) {
    return parse(json, what, Map.of());
  }

  /**
   * @param what names the input in messages and credential sources, e.g. "DOCKER_AUTH_CONFIG"
   * @param env for finding credential helpers on PATH
   */
  public static CredentialStore parse(String json, String what, Map<String, String> env) {
    Template t;
    try {
      t = new Gson().fromJson(json, Template.class);
    } catch (JsonParseException e) {
      throw new InputException(
          what
              + " is not valid JSON: give a Docker config like {\"auths\":{\"HOST\":{\"auth\":\"...\"}}}");
    }
    if (t == null) {
      throw new InputException(
          what + " is empty: give a Docker config like {\"auths\":{\"HOST\":{\"auth\":\"...\"}}}");
    }
    Map<String, Credentials> auths = new HashMap<>();
    if (t.auths != null) {
      t.auths.forEach(
          (registry, entry) ->
              credentials(registry, entry, what).ifPresent(c -> auths.put(registry, c)));
    }
    Map<String, CredentialHelper> helpers = new HashMap<>();
    if (t.credHelpers != null) {
      t.credHelpers.forEach(
          (registry, helper) ->
              helpers.put(
                  CredentialStore.normalise(registry),
                  new CredentialHelper(helper, what + " credHelpers", env)));
    }
    CredentialStore fromAuths = CredentialStore.of(auths);
    Optional<CredentialHelper> store =
        Optional.ofNullable(t.credsStore)
            .filter(s -> !s.isBlank())
            .map(s -> new CredentialHelper(s, what + " credsStore", env));
    return registry -> {
      CredentialHelper helper = helpers.get(CredentialStore.normalise(registry));
      if (helper != null) {
        return helper.get(helperKey(registry));
      }
      Optional<Credentials> direct = fromAuths.find(registry);
      if (direct.isPresent()) {
        return direct;
      }
      return store.flatMap(s -> s.get(helperKey(registry)));
    };
  }

  /** Helpers store Docker Hub under its legacy index URL. */
  private static String helperKey(String registry) {
    return CredentialStore.normalise(registry).equals("docker.io")
        ? "https://index.docker.io/v1/"
        : registry;
  }

  private static Optional<Credentials> credentials(String registry, Entry entry, String what) {
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.identitytoken != null && !entry.identitytoken.isEmpty()) {
      return Optional.of(new Credentials("<token>", entry.identitytoken, what));
    }
    if (entry.auth != null && !entry.auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(entry.auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new InputException(
            what + ": the auth of '" + registry + "' is not base64 of user:password");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new InputException(
            what + ": the auth of '" + registry + "' is not base64 of user:password");
      }
      return Optional.of(
          new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), what));
    }
    if (entry.username != null && entry.password != null) {
      return Optional.of(new Credentials(entry.username, entry.password, what));
    }
    return Optional.empty();
  }

  private static final class Template {
    Map<String, Entry> auths;
    Map<String, String> credHelpers;
    String credsStore;
  }

  private static final class Entry {
    String auth;
    String username;
    String password;
    String identitytoken;
  }
}
