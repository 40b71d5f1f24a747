package dev.registryintegrity.registry;

import java.util.Optional;

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
}
