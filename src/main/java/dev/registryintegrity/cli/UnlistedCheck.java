package dev.registryintegrity.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.InputException;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.Unlisted;
import dev.registryintegrity.verify.CheckSettings;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import org.apache.commons.cli.CommandLine;

/**
 * fsck {@code --registry HOST}: the storage's repositories and tags held against what the API of
 * the registry serving it lists, so a listing that drops some shows before a tool that trusts it
 * deletes around them.
 */
final class UnlistedCheck {
  /** The options fsck does not take from the connection options: its own, or a walk's. */
  static final List<String> NOT_FOR_FSCK = ConnectionOptions.WALK_ONLY;

  private static final int PAGE_SIZE = 1000;

  private UnlistedCheck() {}

  static Unlisted run(CommandLine line, Context context, StorageLayout layout) {
    RegistryName registry = Flags.registry(line, "--registry needs HOST[:PORT]");
    CheckSettings check = ConnectionOptions.check(line, context);
    Clock clock = context.environment().clock();
    try (RegistryClient client = ConnectionOptions.client(registry, check, clock)) {
      return Unlisted.between(
          layout,
          new HashSet<>(client.listRepositories(PAGE_SIZE)),
          repository -> new HashSet<>(client.listTags(repository, PAGE_SIZE)));
    }
  }

  static void requireOneRoot(List<?> roots) {
    if (roots.size() != 1) {
      throw new InputException(
          "fsck --registry compares one storage root with the registry serving it; got "
              + roots.size()
              + " roots: run once per registry");
    }
  }

  static void text(Unlisted unlisted, String registry, Console console) {
    if (unlisted.isEmpty()) {
      console.line("listings: {}'s catalog and tags/list show everything storage holds", registry);
      return;
    }
    console.line(
        "NOT LISTED by {}'s API ({} repositories, {} tags): they pull by name, but whatever reads"
            + " the listings (retention, mirroring, a probe) misses them and may delete around"
            + " them; upgrade the registry (distribution v3 on S3: distribution#4891, #4903)",
        registry,
        unlisted.repositories().size(),
        unlisted.tags().size());
    unlisted.repositories().forEach(r -> console.line("  repository {} (not in _catalog)", r));
    unlisted.tags().forEach(t -> console.line("  tag {} (not in tags/list)", t));
  }

  static JsonObject json(Unlisted unlisted, String registry) {
    JsonObject o = new JsonObject();
    o.addProperty("registry", registry);
    JsonArray repositories = new JsonArray();
    unlisted.repositories().forEach(repositories::add);
    o.add("repositories", repositories);
    JsonArray tags = new JsonArray();
    unlisted.tags().forEach(tags::add);
    o.add("tags", tags);
    return o;
  }
}
