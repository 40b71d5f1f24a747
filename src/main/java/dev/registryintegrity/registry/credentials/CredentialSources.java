package dev.registryintegrity.registry.credentials;

import dev.registryintegrity.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the command line finds credentials, in this order (first that knows the registry wins):
 *
 * <ol>
 *   <li>{@code --username} with {@code --password} or {@code --password-stdin};
 *   <li>{@code DOCKER_AUTH_CONFIG} (JSON, as Woodpecker and GitLab set it);
 *   <li>{@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json} (credHelpers, auths,
 *       credsStore);
 *   <li>{@code $REGISTRY_AUTH_FILE}, else podman's {@code $XDG_RUNTIME_DIR/containers/auth.json},
 *       else {@code ~/.config/containers/auth.json}.
 * </ol>
 */
public final class CredentialSources {
  private CredentialSources() {}

  public static CredentialStore standard(Optional<Credentials> explicit, Map<String, String> env) {
    List<CredentialStore> stores = new ArrayList<>();
    explicit.ifPresent(c -> stores.add(CredentialStore.everywhere(c)));
    String inline = env.get("DOCKER_AUTH_CONFIG");
    if (inline != null && !inline.isBlank()) {
      stores.add(DockerConfig.parse(inline, "DOCKER_AUTH_CONFIG", env));
    }
    dockerConfigFile(env).ifPresent(file -> stores.add(read(file, env)));
    podmanAuthFile(env).ifPresent(file -> stores.add(read(file, env)));
    return CredentialStore.firstOf(stores);
  }

  static Optional<Path> dockerConfigFile(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir != null && !dir.isBlank()) {
      return existing(Path.of(dir, "config.json"));
    }
    return home(env).flatMap(h -> existing(h.resolve(".docker/config.json")));
  }

  static Optional<Path> podmanAuthFile(Map<String, String> env) {
    String explicit = env.get("REGISTRY_AUTH_FILE");
    if (explicit != null && !explicit.isBlank()) {
      Path file = Path.of(explicit);
      if (!Files.isRegularFile(file)) {
        throw new InputException(
            "REGISTRY_AUTH_FILE names " + file + ", which does not exist: fix or unset it");
      }
      return Optional.of(file);
    }
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank()) {
      Optional<Path> file = existing(Path.of(runtime, "containers/auth.json"));
      if (file.isPresent()) {
        return file;
      }
    }
    return home(env).flatMap(h -> existing(h.resolve(".config/containers/auth.json")));
  }

  private static CredentialStore read(Path file, Map<String, String> env) {
    return DockerConfig.parse(
        dev.registryintegrity.InputFiles.readText(
            "registry credentials file", file, dev.registryintegrity.InputFiles.SMALL),
        file.toString(),
        env);
  }

  private static Optional<Path> home(Map<String, String> env) {
    return Optional.ofNullable(env.get("HOME")).filter(h -> !h.isBlank()).map(Path::of);
  }

  /** Anything at the path counts: a pipe or a directory there is said, never silently anonymous. */
  private static Optional<Path> existing(Path file) {
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }
}
