package dev.registryintegrity.registry.credentials;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.registryintegrity.InputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A docker credential helper ({@code docker-credential-<name> get}, the registry on stdin, JSON
 * {@code {ServerURL, Username, Secret}} on stdout), as named by {@code credHelpers} or {@code
 * credsStore} in a Docker config.
 */
final class CredentialHelper {
  private final String name;
  private final String configuredIn;
  private final Map<String, String> env;

  /** Helper names are program-name suffixes ("pass", "ecr-login", "gcloud"), never paths. */
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  CredentialHelper(String name, String configuredIn, Map<String, String> env) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InputException(
          configuredIn
              + " names the credential helper '"
              + name
              + "', which is not a helper name (letters, digits, '.', '_' and '-'): fix or remove it");
    }
    this.name = name;
    this.configuredIn = configuredIn;
    this.env = env;
  }

  Optional<Credentials> get(String registry) {
    String program = "docker-credential-" + name;
    Path binary =
        onPath(program)
            .orElseThrow(
                () ->
                    new InputException(
                        "credential helper "
                            + program
                            + " (from "
                            + configuredIn
                            + ") is not on PATH: install it,"
                            + " or remove '"
                            + name
                            + "' from that config"));
    try {
      Process p = new ProcessBuilder(binary.toString(), "get").redirectErrorStream(false).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(registry.getBytes(StandardCharsets.UTF_8));
      }
      // A helper answers a few hundred bytes; more is not a credential.
      String output = new String(p.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new InputException(program + " did not answer within 30 s for " + registry);
      }
      if (p.exitValue() != 0) {
        // Helpers exit non-zero with "credentials not found in native keychain" for unknown hosts.
        return Optional.empty();
      }
      JsonObject json = JsonParser.parseString(output).getAsJsonObject();
      String user = json.has("Username") ? json.get("Username").getAsString() : "";
      String secret = json.has("Secret") ? json.get("Secret").getAsString() : "";
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Credentials(user, secret, program + " (" + configuredIn + ")"));
    } catch (IOException e) {
      throw new InputException("cannot run " + program + ": " + e.getMessage());
    } catch (JsonParseException | IllegalStateException e) {
      throw new InputException(
          program + " answered something that is not its JSON for " + registry);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private Optional<Path> onPath(String program) {
    for (String dir : env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
