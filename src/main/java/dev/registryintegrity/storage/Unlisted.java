package dev.registryintegrity.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * What a registry's storage holds that its API's listings leave out: repositories its {@code
 * _catalog} skips, tags its {@code tags/list} drops. Such a tag still pulls by name, but every tool
 * that reads the listings (retention, mirroring, a probe) acts as if it did not exist; a cleanup by
 * listing can delete the manifest under it. distribution v3 on S3 has both (distribution#4891: a
 * tag whose name is a prefix of another; #4903: catalog pages skip repositories).
 *
 * @param repositories in storage, not in the catalog
 * @param tags "repository:tag" in storage, not in the repository's tags/list
 */
public record Unlisted(List<String> repositories, List<String> tags) {

  public boolean isEmpty() {
    return repositories.isEmpty() && tags.isEmpty();
  }

  /**
   * @param catalog every repository the API's catalog listed
   * @param apiTags each repository's tags as the API lists them (none when it answers it has none)
   */
  public static Unlisted between(
      StorageLayout layout, Set<String> catalog, Function<String, Set<String>> apiTags) {
    List<String> repositories = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    for (String repository : layout.repositories()) {
      List<String> stored = layout.tags(repository);
      if (stored.isEmpty()) {
        // nothing a tag listing could miss; and whether a catalog shows a repository without
        // tags differs between versions, which is no fault
        continue;
      }
      if (!catalog.contains(repository)) {
        repositories.add(repository);
      }
      Set<String> listed = apiTags.apply(repository);
      for (String tag : stored) {
        if (!listed.contains(tag)) {
          tags.add(repository + ":" + tag);
        }
      }
    }
    return new Unlisted(List.copyOf(repositories), List.copyOf(tags));
  }
}
