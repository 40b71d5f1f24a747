package dev.registryintegrity.registry.credentials;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds the credential for a registry host ("docker.io", "127.0.0.1:5000"). */
@FunctionalInterface
public interface CredentialStore {
  Optional<Credentials> find(String registry);

  static CredentialStore none() {
    return registry -> Optional.empty();
  }

  /** One credential for every registry, as given on the command line. */
  static CredentialStore everywhere(Credentials credentials) {
    return registry -> Optional.of(credentials);
  }

  /** Credentials keyed by registry; keys are normalised, so Docker Hub's aliases all match. */
  static CredentialStore of(Map<String, Credentials> byRegistry) {
    Map<String, Credentials> normalised = new java.util.HashMap<>();
    byRegistry.forEach((k, v) -> normalised.putIfAbsent(normalise(k), v));
    return registry -> Optional.ofNullable(normalised.get(normalise(registry)));
  }

  /** The first store that knows the registry wins; the order is the documented precedence. */
  static CredentialStore firstOf(List<CredentialStore> stores) {
    List<CredentialStore> copy = List.copyOf(stores);
    return registry ->
        copy.stream().map(s -> s.find(registry)).flatMap(Optional::stream).findFirst();
  }

  Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  /**
   * The registry a config key names: {@code https://index.docker.io/v1/} and the other Docker Hub
   * spellings become {@code docker.io}; schemes and paths are dropped; hosts are lower case.
   */
  static String normalise(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return DOCKER_HUB_ALIASES.contains(k) ? "docker.io" : k;
  }
}
