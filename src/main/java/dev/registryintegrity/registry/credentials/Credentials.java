package dev.registryintegrity.registry.credentials;

/**
 * A username and password (or token) for one registry, and where they came from.
 *
 * @param source where the credential was found ("--username", "DOCKER_AUTH_CONFIG"), so a refusal
 *     can say which one to fix without printing it
 */
public record Credentials(String username, String password, String source) {

  /** Never prints the secret, whoever calls it. */
  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***, source=" + source + "]";
  }
}
