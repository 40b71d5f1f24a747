package dev.registryintegrity.retain;

import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.RegistryName;
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
 * repository that holds it; a reference is kept in the repository of its name: by digest ({@code
 * HOST/REPO@sha256:...}) tagged or not, by tag ({@code HOST/REPO:TAG}) as that tag.
 *
 * <p>The host is not compared: a cluster pulls through aliases, mirrors and other ports that
 * retention cannot know, and a digest names the same content everywhere. Keeping what another
 * registry's line names costs a little space; dropping what an alias's line names would break a
 * running deployment.
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

  /** The digests kept in {@code repository}. */
  Set<Digest> digests(String repository) {
    Set<Digest> kept = new LinkedHashSet<>(anywhere);
    references.stream()
        .filter(r -> names(r, repository))
        .forEach(r -> r.digest().ifPresent(kept::add));
    return kept;
  }

  /** The tags kept in {@code repository}: those of references that name no digest. */
  Set<String> tags(String repository) {
    return references.stream()
        .filter(r -> r.digest().isEmpty() && names(r, repository))
        .map(r -> r.tag().orElse("latest"))
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /**
   * What the file named that this run found nowhere: a line a typo or a repository left out would
   * make useless, while the plan drops the image. Lines matched by repository on another host are
   * counted, so a plan shows that the host was not compared.
   *
   * @param registry this run's registry; empty for storage
   * @param inventories what was read of each repository covered
   * @param covered every repository the run covers, read or not
   * @return one note per entry found nowhere, and the counts of lines on other hosts
   */
  List<String> unmatched(
      Optional<String> registry, Map<String, Inventory> inventories, List<String> covered) {
    List<String> notes = new ArrayList<>();
    for (Digest d : anywhere) {
      if (inventories.values().stream().noneMatch(i -> i.items().containsKey(d))) {
        notes.add(d + " is in no repository read");
      }
    }
    int matchedElsewhere = 0;
    int uncovered = 0;
    for (ImageReference r : references) {
      Optional<String> repository = covered.stream().filter(c -> names(r, c)).findFirst();
      boolean otherHost = registry.isPresent() && !registry.get().equals(r.registry());
      if (repository.isEmpty()) {
        if (otherHost) {
          uncovered++;
        } else {
          notes.add(r + " names a repository this run does not cover");
        }
        continue;
      }
      Inventory inventory = inventories.get(repository.get());
      if (inventory == null) {
        notes.add(r + " is in " + repository.get() + ", which could not be read");
        continue;
      }
      boolean found =
          r.digest()
              .map(d -> inventory.items().containsKey(d))
              .orElseGet(() -> inventory.imageTags().containsKey(r.tag().orElse("latest")));
      if (!found) {
        notes.add(r + " is not in " + repository.get());
      } else if (otherHost) {
        matchedElsewhere++;
      }
    }
    if (matchedElsewhere > 0) {
      notes.add(
          matchedElsewhere
              + " lines name another host than "
              + registry.orElseThrow()
              + " and were kept by repository name (the host is not compared)");
    }
    if (uncovered > 0) {
      notes.add(uncovered + " lines name other hosts' repositories this run does not cover");
    }
    return notes;
  }

  /** Whether {@code r} names {@code repository}: Docker Hub's {@code library/} left out too. */
  private static boolean names(ImageReference r, String repository) {
    return r.repository().equals(repository)
        || (r.registry().equals(RegistryName.DOCKER_HUB.name())
            && r.repository().equals("library/" + repository));
  }
}
