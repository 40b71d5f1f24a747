package dev.registryintegrity.retain;

import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.reference.ImageReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What is in use and stays, whatever the rules say: from a {@code --keep-digests} file, as a
 * cluster's running pods or a deploy manifest name images. A bare digest is kept in every
 * repository that holds it; a reference is kept in its own repository: by digest ({@code
 * HOST/REPO@sha256:...}) tagged or not, by tag ({@code HOST/REPO:TAG}) as that tag.
 */
public record Pins(List<Digest> anywhere, List<ImageReference> references) {
  public Pins {
    anywhere = List.copyOf(anywhere);
    references = List.copyOf(references);
  }

  public static Pins none() {
    return new Pins(List.of(), List.of());
  }

  /** One entry a line; blank lines and lines starting with '#' are not entries. */
  public static Pins read(Path file) {
    String text = InputFiles.readText("--keep-digests", file, InputFiles.SMALL);
    List<Digest> anywhere = new ArrayList<>();
    List<ImageReference> references = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        if (line.matches("(sha256|sha512):[0-9a-fA-F]+")) {
          anywhere.add(Digest.parse(line));
        } else {
          references.add(ImageReference.parse(line));
        }
      } catch (InvalidValueException e) {
        throw new InputException(
            "--keep-digests "
                + file
                + " line "
                + (i + 1)
                + ": "
                + e.getMessage()
                + " (write a digest, HOST/REPO@DIGEST or HOST/REPO:TAG)");
      }
    }
    return new Pins(anywhere, references);
  }

  /**
   * The digests kept in {@code repository}.
   *
   * @param registry the registry it is in; empty for a storage directory, where a reference's
   *     repository alone decides
   */
  Set<Digest> digests(Optional<String> registry, String repository) {
    Set<Digest> kept = new java.util.LinkedHashSet<>(anywhere);
    references.stream()
        .filter(r -> matches(r, registry, repository))
        .forEach(r -> r.digest().ifPresent(kept::add));
    return kept;
  }

  /** The tags kept in {@code repository}: those of references that name no digest. */
  Set<String> tags(Optional<String> registry, String repository) {
    return references.stream()
        .filter(r -> r.digest().isEmpty() && matches(r, registry, repository))
        .map(r -> r.tag().orElse("latest"))
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  private static boolean matches(ImageReference r, Optional<String> registry, String repository) {
    return r.repository().equals(repository)
        && registry.map(name -> name.equals(r.registry())).orElse(true);
  }
}
