package dev.registryintegrity.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.storage.Referrers;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.StorageSource;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import dev.registryintegrity.walk.Walker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity refs}: every digest reachable from a set of tags (indexes, child
 * manifests, attestations, configs, layers, and referrers when asked), the keep-set a retention
 * script must not delete.
 */
final class RefsCommand {
  private final Main.Environment environment;
  private final PrintWriter out;
  private final PrintWriter err;

  RefsCommand(Main.Environment environment, PrintWriter out, PrintWriter err) {
    this.environment = environment;
    this.out = out;
    this.err = err;
  }

  static Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(
        Option.builder()
            .longOpt("storage")
            .hasArg()
            .argName("ROOT")
            .desc("read a registry's storage directory instead of HTTP")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("repo")
            .hasArg()
            .argName("NAME")
            .desc("with --storage: the repository")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("tags")
            .hasArg()
            .argName("TAG,...")
            .desc("with --storage: the tags (repeatable, comma-separated)")
            .build());
    o.addOption(ConnectionOptions.format("one digest per line (default), or JSON"));
    return o;
  }

  ExitCode run(String[] args) {
    CommandLine line = ConnectionOptions.parse(options(), args, "refs");
    if (line.hasOption("help")) {
      out.println(
          ConnectionOptions.help(
              options(),
              "registry-integrity refs [options] IMAGE...  |  refs --storage ROOT --repo NAME --tags T1,T2",
              "Prints every digest the tags need, one per line: what a retention script must keep.",
              "Exit codes: 0 all present, 1 something referenced is already missing (it is still printed), 2 usage,"
                  + " 3 could not check."));
      return ExitCode.INTACT;
    }
    boolean json = ConnectionOptions.json(line);
    ConnectionOptions.Connection c = ConnectionOptions.connection(line, environment);
    boolean referrers = line.hasOption("referrers");
    List<ImageResult> images =
        line.hasOption("storage") ? storage(line, c, referrers) : http(line, c, referrers);
    Map<Digest, String> kinds = new LinkedHashMap<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (ImageResult image : images) {
      verdicts.addAll(image.verdicts());
      Graphs.forEachUnique(
          image.root(),
          (node, path) -> node.digest().ifPresent(d -> kinds.putIfAbsent(d, node.kind().label())));
    }
    if (json) {
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
      out.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
    } else {
      kinds.keySet().forEach(d -> out.println(d));
    }
    ExitCode code = Verdict.exitCode(verdicts);
    if (code != ExitCode.INTACT) {
      err.println(
          "registry-integrity: some referenced digests are missing or could not be checked (run verify on the same"
              + " tags for the report); every digest found is printed above");
    }
    return code;
  }

  private List<ImageResult> storage(
      CommandLine line, ConnectionOptions.Connection c, boolean referrers) {
    StorageLayout layout = StorageLayout.at(Path.of(line.getOptionValue("storage")));
    String repo = line.getOptionValue("repo");
    if (repo == null || repo.isBlank()) {
      throw new InputException("refs --storage needs --repo NAME (a repository in that storage)");
    }
    String[] values = line.getOptionValues("tags");
    List<String> tags =
        values == null
            ? List.of()
            : Arrays.stream(values)
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
    try (Walker walker =
        new Walker(
            new StorageSource(layout, false), c.check(environment, ignored -> {}).limits())) {
      for (String tag : tags) {
        images.add(walker.walk(repo + ":" + tag, repo, tag, Expectations.none()));
      }
      if (referrers) {
        for (Digest referrer : Referrers.in(layout, repo, reached(images))) {
          images.add(
              walker.walk(repo + "@" + referrer, repo, referrer.toString(), Expectations.none()));
        }
      }
    }
    return images;
  }

  private List<ImageResult> http(
      CommandLine line, ConnectionOptions.Connection c, boolean referrers) {
    if (line.getArgList().isEmpty()) {
      throw new InputException("refs needs IMAGE... or --storage ROOT --repo NAME --tags T1,T2");
    }
    List<TargetReference> targets = new ArrayList<>();
    for (String arg : line.getArgList()) {
      targets.add(TargetReference.parse(arg));
    }
    // Referrers are found and walked like any child, so the keep-set includes the signatures,
    // SBOMs and attestations of what it keeps (and their blobs).
    Verifier.Settings settings =
        c.check(environment, ConnectionOptions.debugLog(err)).verifier(Expectations.none());
    RunReport report =
        new Verifier(settings, environment.clock(), Sleeper.system())
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
