package dev.registryintegrity.registry.transport;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The first entry of a registry's JSON error body ({@code {"errors":[{"code","message"}]}},
 * distribution spec "Error Codes"), e.g. MANIFEST_UNKNOWN, BLOB_UNKNOWN, DENIED.
 */
public record RegistryError(String code, String message) {

  public static Optional<RegistryError> parse(byte[] body) {
    if (body == null || body.length == 0) {
      return Optional.empty();
    }
    try {
      Body parsed = new Gson().fromJson(new String(body, StandardCharsets.UTF_8), Body.class);
      if (parsed == null
          || parsed.errors == null
          || parsed.errors.isEmpty()
          || parsed.errors.get(0) == null) {
        return Optional.empty();
      }
      Entry first = parsed.errors.get(0);
      return Optional.of(
          new RegistryError(
              first.code == null ? "" : first.code, first.message == null ? "" : first.message));
    } catch (JsonParseException | IllegalStateException e) {
      return Optional.empty();
    }
  }

  private static final class Body {
    List<Entry> errors;
  }

  private static final class Entry {
    String code;
    String message;
  }
}
