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
   * @param covered every repository the run covers, read or not
   * @return one note per entry found nowhere, and one counting the entries for other registries
   */
  List<String> unmatched(
      Optional<String> registry, Map<String, Inventory> inventories, List<String> covered) {
    List<String> notes = new ArrayList<>();
    for (Digest d : anywhere) {
      if (inventories.values().stream().noneMatch(i -> i.items().containsKey(d))) {
        notes.add(d + " is in no repository read");
      }
    }
    int elsewhere = 0;
    for (ImageReference r : references) {
      if (registry.isPresent() && !registry.get().equals(r.registry())) {
        Optional<String> meant = coveredName(r, covered);
        if (meant.isPresent()) {
          notes.add(r + " " + otherHost(r, meant.get(), registry.get()));
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
                + (inventory != null
                    ? " is not in " + r.repository()
                    : covered.contains(r.repository())
                        ? " is in " + r.repository() + ", which could not be read"
                        : " names a repository this run does not cover"));
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
   * The entries that most likely mean this registry under another spelling (the same host on
   * another port or none, {@code localhost} for {@code 127.0.0.1}) and name a repository this run
   * covers: under {@code --apply} they stop the run, as the image they keep in use would go. A
   * covered name on another registry altogether (production beside staging, or Docker Hub, which a
   * line without a host names) is only noted.
   */
  public List<String> likelyMisspelled(String registry, List<String> repositories) {
    List<String> misspelled = new ArrayList<>();
    for (ImageReference r : references) {
      Optional<String> meant = coveredName(r, repositories);
      if (!registry.equals(r.registry()) && meant.isPresent() && sameHost(r.registry(), registry)) {
        misspelled.add(r + " " + otherHost(r, meant.get(), registry));
      }
    }
    return misspelled;
  }

  /** The covered repository an entry on another registry names, Docker Hub's library/ dropped. */
  private static Optional<String> coveredName(ImageReference r, List<String> covered) {
    if (covered.contains(r.repository())) {
      return Optional.of(r.repository());
    }
    if (r.registry().equals(RegistryName.DOCKER_HUB.name()) && r.repository().startsWith(LIBRARY)) {
      String bare = r.repository().substring(LIBRARY.length());
      return covered.contains(bare) ? Optional.of(bare) : Optional.empty();
    }
    return Optional.empty();
  }

  private static final String LIBRARY = "library/";

  /** One host under two spellings: a port given or not, or two names for the loopback. */
  private static boolean sameHost(String a, String b) {
    return host(a).equals(host(b));
  }

  private static String host(String registry) {
    String host =
        registry.startsWith("[")
            ? registry.substring(0, registry.indexOf(']') + 1)
            : registry.split(":", 2)[0];
    return switch (host) {
      case "localhost", "127.0.0.1", "[::1]" -> "loopback";
      default -> host;
    };
  }

  private static String otherHost(ImageReference r, String meant, String registry) {
    return "names "
        + meant
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
