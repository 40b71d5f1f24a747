package dev.registryintegrity.reference;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.ManifestRef;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised image reference: {@code registry/repository[:tag][@digest]}.
 *
 * <p>Parsing follows Docker's grammar and normalisation (distribution's reference package): no
 * registry means Docker Hub, a single name there gets {@code library/}, no tag and no digest means
 * {@code latest}. The first path component names a registry only when it holds a '.' or a ':' or is
 * {@code localhost} (or an IPv6 literal in brackets), exactly as docker decides it.
 *
 * @param registry host[:port] as users write it; {@code docker.io} for Docker Hub
 * @param repository the path inside the registry, e.g. {@code library/alpine}
 */
public record ImageReference(
    String registry, String repository, Optional<String> tag, Optional<Digest> digest)
    implements TargetReference {

  private static final int MAX_NAME_LENGTH = 255;
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  public ImageReference {
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = Optional.of("latest");
    }
  }

  public static ImageReference parse(String text) {
    String input = text == null ? "" : text.trim();
    if (input.isEmpty()) {
      throw invalid(text, "it is empty; give [registry[:port]/]repo[:tag][@digest]");
    }
    if (input.contains("://")) {
      throw invalid(text, "drop the scheme (write host[:port]/repo, not a URL)");
    }
    String rest = input;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digestText = rest.substring(at + 1);
      try {
        digest = Optional.of(Digest.parse(digestText));
      } catch (InvalidValueException e) {
        throw invalid(text, e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/') && colon > rest.lastIndexOf(']')) {
      String tagText = rest.substring(colon + 1);
      if (!TAG.matcher(tagText).matches()) {
        throw invalid(
            text,
            tagText.isEmpty()
                ? "the tag after ':' is empty (drop the ':' or name a tag)"
                : "tag '"
                    + tagText
                    + "' is not valid: up to 128 of letters, digits, '_', '.', '-', not starting with '.' or '-'");
      }
      tag = Optional.of(tagText);
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty()) {
      throw invalid(text, "the repository name is missing");
    }
    String registry = RegistryName.DOCKER_HUB.name();
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash >= 0 && RegistryName.looksLikeRegistry(rest.substring(0, slash))) {
      try {
        registry = RegistryName.parse(rest.substring(0, slash)).name();
      } catch (InvalidValueException e) {
        throw invalid(
            text, "registry '" + rest.substring(0, slash) + "' is not a valid host[:port]");
      }
      path = rest.substring(slash + 1);
    }
    checkPath(text, path);
    if (registry.equals(RegistryName.DOCKER_HUB.name()) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (registry.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw invalid(text, "the name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    return new ImageReference(registry, path, tag, digest);
  }

  /**
   * Parses a repository without tag or digest, as a plugin's {@code repo} setting names it ({@code
   * registry.example.com:5050/infra-ci}); the result carries the tag {@code latest} until {@link
   * #withTag} says otherwise.
   */
  public static ImageReference parseRepository(String text) {
    String trimmed = text == null ? "" : text.trim();
    String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    if (last.contains(":") || trimmed.contains("@")) {
      throw invalid(text, "a repository takes no tag or digest here: list tags separately");
    }
    return parse(trimmed);
  }

  private static void checkPath(String text, String path) {
    if (path.isEmpty()) {
      throw invalid(text, "the repository name is missing after the registry");
    }
    if (path.endsWith("/") || path.startsWith("/") || path.contains("//")) {
      throw invalid(text, "empty path component (a '/' too many)");
    }
    for (String component : path.split("/")) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String lower = component.toLowerCase(Locale.ROOT);
        if (!lower.equals(component) && PATH_COMPONENT.matcher(lower).matches()) {
          throw invalid(
              text,
              "repository names must be lowercase (try '" + path.toLowerCase(Locale.ROOT) + "')");
        }
        throw invalid(
            text,
            "'"
                + component
                + "' is not a valid repository name component"
                + " (lowercase letters and digits, separated by '.', '_', '__' or '-')");
      }
    }
  }

  private static InvalidValueException invalid(String text, String why) {
    return new InvalidValueException("invalid image reference '" + text + "': " + why);
  }

  /** What to ask the registry for: the digest when there is one (it pins), else the tag. */
  public ManifestRef identifier() {
    return digest.map(ManifestRef::of).orElseGet(() -> ManifestRef.tag(tag.orElse("latest")));
  }

  /** The registry, as a value. */
  public RegistryName registryName() {
    return new RegistryName(registry);
  }

  public ImageReference withTag(String newTag) {
    if (!TAG.matcher(newTag).matches()) {
      throw invalid(
          registry + "/" + repository + ":" + newTag,
          "tag '"
              + newTag
              + "' is not valid: up to 128 of letters, digits, '_', '.', '-', not starting with '.' or '-'");
    }
    return new ImageReference(registry, repository, Optional.of(newTag), Optional.empty());
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + tag.map(t -> ":" + t).orElse("")
        + digest.map(d -> "@" + d).orElse("");
  }
}
