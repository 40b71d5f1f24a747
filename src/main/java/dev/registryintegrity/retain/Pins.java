package dev.registryintegrity.retain;

import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.reference.ImageReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    Set<Digest> kept = new LinkedHashSet<>(anywhere);
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
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * What the file named that this run found nowhere: a line a typo, another spelling of the
   * registry's host or a repository left out would make useless, while the plan drops the image.
   *
   * @param registry this run's registry; empty for storage
   * @param inventories what was read of each repository covered
   * @return one note per entry found nowhere, and one counting the entries for other registries
   */
  List<String> unmatched(Optional<String> registry, Map<String, Inventory> inventories) {
    List<String> notes = new ArrayList<>();
    for (Digest d : anywhere) {
      if (inventories.values().stream().noneMatch(i -> i.items().containsKey(d))) {
        notes.add(d + " is in no repository covered");
      }
    }
    int elsewhere = 0;
    for (ImageReference r : references) {
      if (registry.isPresent() && !registry.get().equals(r.registry())) {
        if (inventories.containsKey(r.repository())) {
          notes.add(r + " " + otherHost(r, registry.get()));
        } else {
          elsewhere++;
        }
        continue;
      }
      Inventory inventory = inventories.get(r.repository());
      boolean found =
          inventory != null
              && r.digest()
                  .map(d -> inventory.items().containsKey(d))
                  .orElseGet(() -> inventory.imageTags().containsKey(r.tag().orElse("latest")));
      if (!found) {
        notes.add(
            r
                + (inventory == null
                    ? " names a repository this run does not cover"
                    : " is not in " + r.repository()));
      }
    }
    if (elsewhere > 0) {
      notes.add(
          elsewhere
              + " --keep-digests entries name other registries than "
              + registry.orElseThrow()
              + " (spelled as given to retain) and were not looked for");
    }
    return notes;
  }

  /**
   * The entries that name a repository this run covers on another host: most likely another
   * spelling of this registry (a port left out, {@code localhost}), so not to be deleted past.
   */
  public List<String> onOtherHosts(String registry, List<String> repositories) {
    return references.stream()
        .filter(r -> !registry.equals(r.registry()) && repositories.contains(r.repository()))
        .map(r -> r + " " + otherHost(r, registry))
        .toList();
  }

  private static String otherHost(ImageReference r, String registry) {
    return "names "
        + r.repository()
        + " at "
        + r.registry()
        + ", not "
        + registry
        + ": spell the host as the registry is given to retain, or it is not kept";
  }

  private static boolean matches(ImageReference r, Optional<String> registry, String repository) {
    return r.repository().equals(repository)
        && registry.map(name -> name.equals(r.registry())).orElse(true);
  }
}
