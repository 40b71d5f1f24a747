package dev.registryintegrity.registry;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.registryintegrity.InputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code auths} of a Docker config JSON ({@code ~/.docker/config.json}, {@code
 * DOCKER_AUTH_CONFIG}): per registry, {@code auth} (base64 of user:password) or {@code
 * username}/{@code password}, or an {@code identitytoken} (sent as the password of the token
 * request, as docker does with the user {@code <token>}).
 */
public final class DockerConfig {
  private DockerConfig() {}

  /**
   * @param what names the input in error messages, e.g. "DOCKER_AUTH_CONFIG"
   */
  public static CredentialStore parse(String json, String what) {
    Template t;
    try {
      t = new Gson().fromJson(json, Template.class);
    } catch (JsonParseException e) {
      throw new InputException(what + " is not valid JSON: give a Docker config like {\"auths\":{\"HOST\":{\"auth\":\"...\"}}}");
    }
    if (t == null || t.auths == null) {
      throw new InputException(what + " has no \"auths\" object: give {\"auths\":{\"HOST\":{\"auth\":\"...\"}}}");
    }
    Map<String, Credentials> byRegistry = new LinkedHashMap<>();
    t.auths.forEach((registry, entry) -> {
      if (entry == null) {
        return;
      }
      if (entry.identitytoken != null && !entry.identitytoken.isEmpty()) {
        byRegistry.put(registry, new Credentials("<token>", entry.identitytoken, what));
      } else if (entry.auth != null && !entry.auth.isEmpty()) {
        String decoded;
        try {
          decoded = new String(Base64.getDecoder().decode(entry.auth.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new InputException(what + ": the auth of '" + registry + "' is not base64 of user:password");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
          throw new InputException(what + ": the auth of '" + registry + "' is not base64 of user:password");
        }
        byRegistry.put(registry, new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), what));
      } else if (entry.username != null && entry.password != null) {
        byRegistry.put(registry, new Credentials(entry.username, entry.password, what));
      }
    });
    return CredentialStore.of(byRegistry);
  }

  private static final class Template {
    Map<String, Entry> auths;
  }

  private static final class Entry {
    String auth;
    String username;
    String password;
    String identitytoken;
  }
}
