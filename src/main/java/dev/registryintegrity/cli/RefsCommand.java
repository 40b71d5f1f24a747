package dev.registryintegrity.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.StorageSource;
import dev.registryintegrity.storage.StoredManifests;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import dev.registryintegrity.walk.Walker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity refs}: every digest reachable from a set of tags (indexes, child
 * manifests, attestations, configs, layers, and referrers when asked), the keep-set a retention
 * script must not delete.
 */
final class RefsCommand implements Command {
  @Override
  public About about() {
    return new About(
        "refs",
        "IMAGE...",
        "every digest the images need (the keep-set for retention scripts)",
        "registry-integrity refs [options] IMAGE...  |  refs --storage ROOT --repo NAME --tags"
            + " T1,T2",
        "Prints every digest the tags need, one per line: what a retention script must keep.",
        "Exit codes: 0 all present, 1 something referenced is already missing (it is still"
            + " printed), 2 usage, 3 could not check.");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(
        Flags.valued(
            "storage",
            "ROOT",
            "read a registry's storage instead of HTTP: a directory or s3://BUCKET/ROOTDIRECTORY"));
    o.addOption(Flags.valued("repo", "NAME", "with --storage: the repository"));
    o.addOption(
        Flags.valued("tags", "TAG,...", "with --storage: the tags (repeatable, comma-separated)"));
    o.addOption(Flags.format("text: one digest per line; json: each with its kind and the images"));
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) {
    boolean json = Flags.json(line);
    CheckSettings check = ConnectionOptions.check(line, context);
    List<ImageResult> images =
        line.hasOption("storage") ? storage(line, check, context) : http(line, check, context);
    Map<Digest, String> kinds = new LinkedHashMap<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (ImageResult image : images) {
      verdicts.addAll(image.verdicts());
      Graphs.forEachUnique(
          image.root(),
          (node, path) -> node.digest().ifPresent(d -> kinds.putIfAbsent(d, node.kind().label())));
    }
    Console console = context.console();
    if (json) {
      console.json(json(images, kinds));
    } else {
      kinds.keySet().forEach(d -> console.line("{}", d));
    }
    ExitCode code = Verdict.exitCode(verdicts);
    if (code != ExitCode.INTACT) {
      context
          .errors()
          .line(
              "registry-integrity: some referenced digests are missing or could not be checked"
                  + " (run verify on the same tags for the report); every digest found is printed"
                  + " above");
    }
    return code;
  }

  private static String json(List<ImageResult> images, Map<Digest, String> kinds) {
    JsonObject o = new JsonObject();
    JsonArray imgs = new JsonArray();
    for (ImageResult image : images) {
      JsonObject i = new JsonObject();
      i.addProperty("reference", image.reference());
      image.root().digest().ifPresent(d -> i.addProperty("digest", d.toString()));
      i.addProperty("verdict", image.verdict().name().toLowerCase(java.util.Locale.ROOT));
      imgs.add(i);
    }
    o.add("images", imgs);
    JsonArray digests = new JsonArray();
    kinds.forEach(
        (d, kind) -> {
          JsonObject e = new JsonObject();
          e.addProperty("digest", d.toString());
          e.addProperty("kind", kind);
          digests.add(e);
        });
    o.add("digests", digests);
    return new GsonBuilder().setPrettyPrinting().create().toJson(o);
  }

  private static List<ImageResult> storage(CommandLine line, CheckSettings check, Context context) {
    String repo = line.getOptionValue("repo");
    if (repo == null || repo.isBlank()) {
      throw new InputException("refs --storage needs --repo NAME (a repository in that storage)");
    }
    List<String> tags =
        Flags.repeated(line, "tags").stream()
            .flatMap(v -> Arrays.stream(v.split(",")))
            .map(String::trim)
            .filter(t -> !t.isEmpty())
            .toList();
    if (tags.isEmpty()) {
      throw new InputException("refs --storage needs --tags T1,T2 (the tags to keep)");
    }
    if (!line.getArgList().isEmpty()) {
      throw new InputException(
          "refs --storage takes no IMAGE arguments (got '" + line.getArgList().get(0) + "')");
    }
    List<ImageResult> images = new ArrayList<>();
    try (StorageLayout layout =
            StorageLayout.open(line.getOptionValue("storage"), context.environment().variables());
        Walker walker =
            new Walker(new StorageSource(layout, false), check.limits(), check.policy())) {
      for (String tag : tags) {
        images.add(walker.walk(repo + ":" + tag, repo, ManifestRef.tag(tag), Expectations.none()));
      }
      if (check.policy().referrers()) {
        for (Digest referrer : new StoredManifests(layout).referring(repo, reached(images))) {
          images.add(
              walker.walk(
                  repo + "@" + referrer, repo, ManifestRef.of(referrer), Expectations.none()));
        }
      }
    }
    return images;
  }

  private static List<ImageResult> http(CommandLine line, CheckSettings check, Context context) {
    if (line.getArgList().isEmpty()) {
      throw new InputException("refs needs IMAGE... or --storage ROOT --repo NAME --tags T1,T2");
    }
    List<TargetReference> targets = line.getArgList().stream().map(TargetReference::parse).toList();
    // Referrers are found and walked like any child, so the keep-set includes the signatures,
    // SBOMs and attestations of what it keeps (and their blobs).
    RunReport report =
        new Verifier(check, Expectations.none(), context.environment().clock(), Sleeper.system())
            .verify("refs", targets, List.of());
    return report.images();
  }

  private static Set<Digest> reached(List<ImageResult> images) {
    Set<Digest> all = new java.util.HashSet<>();
    images.forEach(
        i -> Graphs.forEachUnique(i.root(), (node, path) -> node.digest().ifPresent(all::add)));
    return all;
  }
}
