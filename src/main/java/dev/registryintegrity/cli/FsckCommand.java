package dev.registryintegrity.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.storage.Fsck;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.walk.WalkLimits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity fsck STORAGE_ROOT...}: a distribution storage directory checked
 * offline, with what the HTTP API would fail on; {@code --repair} restores links whose bytes
 * survived (never deletes anything).
 */
final class FsckCommand {
  private final Main.Environment environment;
  private final PrintWriter out;

  FsckCommand(Main.Environment environment, PrintWriter out) {
    this.environment = environment;
    this.out = out;
  }

  static Options options() {
    Options o = new Options();
    o.addOption(
        Option.builder()
            .longOpt("verify-content")
            .desc("hash every blob's data against its name (reads all bytes)")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("repair")
            .desc("add missing revision and _layers links whose bytes exist and verify")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("dry-run")
            .desc("with --repair: print the file operations, change nothing")
            .build());
    o.addOption(
        Option.builder()
            .longOpt("concurrency")
            .hasArg()
            .argName("N")
            .desc("files read at once (default 8)")
            .build());
    o.addOption(ConnectionOptions.format("report on stdout (default text)"));
    o.addOption(
        Option.builder()
            .longOpt("brief")
            .desc("one line per intact tag; full detail for the others")
            .build());
    o.addOption(Option.builder("h").longOpt("help").desc("this help").build());
    return o;
  }

  ExitCode run(String[] args) {
    CommandLine line = ConnectionOptions.parse(options(), args, "fsck");
    if (line.hasOption("help")) {
      out.println(
          ConnectionOptions.help(
              options(),
              "registry-integrity fsck [options] STORAGE_ROOT...",
              "Checks a registry's filesystem storage offline: every tag of every repository, as the API would serve it.",
              "Read-only unless --repair; --repair only adds links, never deletes."));
      return ExitCode.INTACT;
    }
    if (line.getArgList().isEmpty()) {
      throw new InputException(
          "fsck needs a storage directory: registry-integrity fsck /var/lib/registry (the rootdirectory of the filesystem driver)");
    }
    if (line.hasOption("dry-run") && !line.hasOption("repair")) {
      throw new InputException(
          "--dry-run goes with --repair: without --repair fsck changes nothing anyway");
    }
    List<StorageLayout> roots = new ArrayList<>();
    for (String root : line.getArgList()) {
      roots.add(StorageLayout.at(Path.of(root)));
    }
    boolean json = ConnectionOptions.json(line);
    int concurrency =
        ConnectionOptions.intOption(line, "concurrency", WalkLimits.DEFAULT_CONCURRENCY);
    Fsck fsck =
        new Fsck(
            WalkLimits.withConcurrency(concurrency),
            line.hasOption("verify-content"),
            environment.clock());
    boolean repair = line.hasOption("repair");
    boolean dryRun = line.hasOption("dry-run");
    Fsck.Result result = fsck.run(roots, repair, dryRun);

    if (json) {
      JsonObject report =
          JsonParser.parseString(new JsonReport(Main.version()).render(result.report()))
              .getAsJsonObject();
      report.add("storage", storageJson(result, repair, dryRun));
      out.println(
          new GsonBuilder()
              .setPrettyPrinting()
              .disableHtmlEscaping()
              .serializeNulls()
              .create()
              .toJson(report));
    } else {
      if (repair) {
        out.println(dryRun ? "repair plan (dry run, nothing changed):" : "repair:");
        for (Fsck.LinkOperation op : result.repairs()) {
          new Console(out)
              .line(
                  "  {}{} containing {}",
                  dryRun ? "would create " : "created ",
                  op.link(),
                  op.digest());
        }
        if (result.repairs().isEmpty()) {
          out.println("  nothing to restore: no missing link has its bytes on disk");
        } else if (!dryRun) {
          out.println(
              "  then restart the registry (or flush its cache): distribution caches descriptors in memory,"
                  + " e.g. systemctl restart docker-registry, or kubectl rollout restart deployment/registry");
        }
        out.println(
            dryRun
                ? "the report below shows the store as it would be after the repair:"
                : "the store after the repair:");
      }
      new TextReport(
              false, line.hasOption("brief") ? TextReport.Detail.BRIEF : TextReport.Detail.FULL)
          .render(result.report(), out);
      for (Fsck.RootInfo info : result.roots()) {
        new Console(out)
            .line(
                "storage {}: {} repositories, {} tags",
                info.root(),
                info.repositories(),
                info.tags());
        int untagged = info.untagged().values().stream().mapToInt(List::size).sum();
        out.println(
            "  information: "
                + untagged
                + " untagged manifests (garbage-collect --delete-untagged deletes them),"
                + " "
                + info.unreferencedBlobs()
                + " blobs no manifest references (garbage-collect reclaims them)");
        info.untagged()
            .forEach(
                (repo, digests) ->
                    digests.forEach(d -> new Console(out).line("    untagged {}@{}", repo, d)));
        for (Digest d : info.unreferencedSample()) {
          out.println("    unreferenced blob " + d);
        }
        if (info.unreferencedBlobs() > info.unreferencedSample().size()) {
          out.println(
              "    ... and "
                  + (info.unreferencedBlobs() - info.unreferencedSample().size())
                  + " more (--format json lists counts)");
        }
      }
    }
    return result.report().exitCode();
  }

  private static JsonObject storageJson(Fsck.Result result, boolean repair, boolean dryRun) {
    JsonObject storage = new JsonObject();
    JsonArray roots = new JsonArray();
    for (Fsck.RootInfo info : result.roots()) {
      JsonObject r = new JsonObject();
      r.addProperty("root", info.root().toString());
      r.addProperty("repositories", info.repositories());
      r.addProperty("tags", info.tags());
      JsonArray untagged = new JsonArray();
      for (Map.Entry<String, List<Digest>> e : info.untagged().entrySet()) {
        e.getValue().forEach(d -> untagged.add(e.getKey() + "@" + d));
      }
      r.add("untaggedManifests", untagged);
      r.addProperty("unreferencedBlobs", info.unreferencedBlobs());
      roots.add(r);
    }
    storage.add("roots", roots);
    JsonArray ops = new JsonArray();
    for (Fsck.LinkOperation op : result.repairs()) {
      JsonObject o = new JsonObject();
      o.addProperty("create", op.link().toString());
      o.addProperty("content", op.digest().toString());
      ops.add(o);
    }
    storage.addProperty("repair", repair ? (dryRun ? "dry-run" : "applied") : "off");
    storage.add("repairs", ops);
    return storage;
  }
}
