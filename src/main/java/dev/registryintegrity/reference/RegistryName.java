package dev.registryintegrity.reference;

import dev.registryintegrity.model.InvalidValueException;
import java.util.regex.Pattern;

/**
 * A registry as users name it: {@code host[:port]}, a DNS name, an IPv4 address or an IPv6 literal
 * in brackets. Docker Hub's other names become {@code docker.io}, the one users write.
 */
public record RegistryName(String name) {
  // Before DOCKER_HUB: building that constant checks its name against this.
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
              + "|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?");

  /** Only what {@link #parse} accepts: the name is checked wherever a value is made. */
  public RegistryName {
    if (!DOMAIN.matcher(name).matches()) {
      throw new InvalidValueException(
          "registry '" + name + "' is not a valid host[:port] (e.g. registry.example.com:5050)");
    }
  }

  public static final RegistryName DOCKER_HUB = new RegistryName("docker.io");
  private static final String DOCKER_HUB_API = "registry-1.docker.io";

  public static RegistryName parse(String text) {
    String name = text == null ? "" : text.trim();
    if (name.contains("://")) {
      throw new InvalidValueException(
          "registry '" + text + "' is a URL: give host[:port] (drop the scheme)");
    }
    RegistryName registry = new RegistryName(name);
    return name.equals("index.docker.io") || name.equals(DOCKER_HUB_API) ? DOCKER_HUB : registry;
  }

  /** Docker's rule for whether the first path component of a reference names a registry. */
  public static boolean looksLikeRegistry(String component) {
    return component.contains(".")
        || component.contains(":")
        || component.equals("localhost")
        || component.startsWith("[");
  }

  /** Where the API answers: Docker Hub's API host is not the name users write. */
  public String apiHost() {
    return equals(DOCKER_HUB) ? DOCKER_HUB_API : name;
  }

  /** The host without its port. */
  public String host() {
    if (name.startsWith("[")) {
      return name.substring(0, name.indexOf(']') + 1);
    }
    int colon = name.indexOf(':');
    return colon < 0 ? name : name.substring(0, colon);
  }

  /** Loopback registries are plain HTTP, as docker treats 127.0.0.0/8 as an insecure registry. */
  public boolean isLoopback() {
    String host = host();
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  /** A repository of this registry, checked as a reference's repository is. */
  public ImageReference repository(String repository) {
    return ImageReference.parseRepository(name + "/" + repository);
  }

  @Override
  public String toString() {
    return name;
  }
}
