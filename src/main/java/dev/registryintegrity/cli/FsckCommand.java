package dev.registryintegrity.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.storage.Fsck;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.storage.Unlisted;
import dev.registryintegrity.verify.CheckOption;
import dev.registryintegrity.verify.CheckSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity fsck STORAGE_ROOT...}: a distribution storage root checked offline,
 * with what the HTTP API would fail on; {@code --repair} restores links whose bytes survived (never
 * deletes anything).
 */
final class FsckCommand implements Command {
  @Override
  public About about() {
    return new About(
        "fsck",
        "ROOT...",
        "check a registry's storage offline (a directory or S3); --repair restores links",
        "registry-integrity fsck [options] STORAGE_ROOT...",
        "Checks a registry's storage offline: every tag of every repository, as the API would"
            + " serve it. A root is a directory (the filesystem driver's rootdirectory) or"
            + " s3://BUCKET/ROOTDIRECTORY (the s3 driver's).",
        "Read-only unless --repair; --repair only adds links, never deletes.");
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(
        Flags.flag("verify-content", "hash every blob's data against its name (reads all bytes)"));
    o.addOption(
        Flags.flag(
            "repair", "add missing revision and _layers links whose bytes exist and verify"));
    o.addOption(Flags.flag("dry-run", "with --repair: print the file operations, change nothing"));
    // The same option, default and range as a registry check's, in fsck's words.
    CheckOption concurrency = CheckOption.CONCURRENCY;
    o.addOption(
        Flags.valued(
            concurrency.flag(),
            concurrency.argument().orElseThrow(),
            concurrency.describe().replace(concurrency.description(), "files read at once")));
    o.addOption(Flags.format("report on stdout"));
    o.addOption(Flags.flag("brief", "one line per intact tag; full detail for the others"));
    o.addOption(
        Flags.valued(
            "registry",
            "HOST[:PORT]",
            "the registry serving this storage: name what storage holds that its _catalog or"
                + " tags/list leaves out (exit 1), asked with the registry options (--username,"
                + " --ca-cert, ...)"));
    ConnectionOptions.addTo(o, UnlistedCheck.NOT_FOR_FSCK);
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) {
    if (line.getArgList().isEmpty()) {
      throw new InputException(
          "fsck needs a storage root: registry-integrity fsck /var/lib/registry (the filesystem"
              + " driver's rootdirectory) or s3://BUCKET/ROOTDIRECTORY (the s3 driver's)");
    }
    if (line.hasOption("registry")) {
      UnlistedCheck.requireOneRoot(line.getArgList());
    }
    if (line.hasOption("dry-run") && !line.hasOption("repair")) {
      throw new InputException(
          "--dry-run goes with --repair: without --repair fsck changes nothing anyway");
    }
    // The files read at once: the same option and range as a registry check's requests.
    CheckSettings.Builder check = CheckSettings.builder(Spelling.CLI);
    if (line.hasOption("concurrency")) {
      check.concurrency(Flags.wholeNumber("--concurrency", line.getOptionValue("concurrency")));
    }
    List<StorageLayout> roots = new ArrayList<>();
    try {
      for (String root : line.getArgList()) {
        roots.add(StorageLayout.open(root, context.environment().variables()));
      }
      return check(line, context, check, roots);
    } finally {
      roots.forEach(StorageLayout::close);
    }
  }

  private ExitCode check(
      CommandLine line, Context context, CheckSettings.Builder check, List<StorageLayout> roots) {
    boolean json = Flags.json(line);
    Fsck fsck =
        new Fsck(
            check.build().limits(),
            line.hasOption("verify-content"),
            context.environment().clock());
    Fsck.Mode mode =
        !line.hasOption("repair")
            ? Fsck.Mode.CHECK
            : line.hasOption("dry-run") ? Fsck.Mode.PLAN_REPAIR : Fsck.Mode.REPAIR;
    Fsck.Result result = fsck.run(roots, mode);
    Optional<Unlisted> unlisted =
        line.hasOption("registry")
            ? Optional.of(UnlistedCheck.run(line, context, roots.get(0)))
            : Optional.empty();
    ExitCode exit = result.report().exitCode();
    if (exit == ExitCode.INTACT && unlisted.isPresent() && !unlisted.get().isEmpty()) {
      exit = ExitCode.INTEGRITY_FAILURE;
    }
    String registry = line.getOptionValue("registry", "").trim();
    Console console = context.console();
    if (json) {
      JsonObject report =
          JsonParser.parseString(new JsonReport(Main.version()).render(result.report()))
              .getAsJsonObject();
      JsonObject storage = storageJson(result, mode);
      unlisted.ifPresent(u -> storage.add("unlisted", UnlistedCheck.json(u, registry)));
      report.add("storage", storage);
      console.json(
          new GsonBuilder()
              .setPrettyPrinting()
              .disableHtmlEscaping()
              .serializeNulls()
              .create()
              .toJson(report));
      return exit;
    }
    if (mode != Fsck.Mode.CHECK) {
      repairs(result, mode == Fsck.Mode.PLAN_REPAIR, console);
    }
    new TextReport(
            false, line.hasOption("brief") ? TextReport.Detail.BRIEF : TextReport.Detail.FULL)
        .render(result.report(), context.out());
    for (Fsck.RootInfo info : result.roots()) {
      information(info, console);
    }
    if (unlisted.isPresent()) {
      UnlistedCheck.text(unlisted.get(), registry, console);
      if (exit != result.report().exitCode()) {
        console.line("exit {}: storage holds what the API does not list", exit.code());
      }
    }
    return exit;
  }

  private static void repairs(Fsck.Result result, boolean dryRun, Console console) {
    console.line(dryRun ? "repair plan (dry run, nothing changed):" : "repair:");
    for (Fsck.LinkOperation op : result.repairs()) {
      console.line(
          "  {}{} containing {}",
          Console.ours(dryRun ? "would create " : "created "),
          op.where(),
          op.digest());
    }
    if (result.repairs().isEmpty()) {
      console.line("  nothing to restore: no missing link has its bytes on disk");
    } else if (!dryRun) {
      console.line(
          "  then restart the registry (or flush its cache): distribution caches descriptors in"
              + " memory, e.g. systemctl restart docker-registry, or kubectl rollout restart"
              + " deployment/registry");
    }
    console.line(
        dryRun
            ? "the report below shows the store as it would be after the repair:"
            : "the store after the repair:");
  }

  private static void information(Fsck.RootInfo info, Console console) {
    console.line(
        "storage {}: {} repositories, {} tags", info.root(), info.repositories(), info.tags());
    int untagged = info.untagged().values().stream().mapToInt(List::size).sum();
    console.line(
        "  information: {} untagged manifests (garbage-collect --delete-untagged deletes them), {}"
            + " blobs no manifest references (garbage-collect reclaims them)",
        untagged,
        info.unreferencedBlobs());
    info.untagged()
        .forEach(
            (repo, digests) -> digests.forEach(d -> console.line("    untagged {}@{}", repo, d)));
    for (Digest d : info.unreferencedSample()) {
      console.line("    unreferenced blob {}", d);
    }
    if (info.unreferencedBlobs() > info.unreferencedSample().size()) {
      console.line(
          "    ... and {} more (--format json lists counts)",
          info.unreferencedBlobs() - info.unreferencedSample().size());
    }
  }

  private static JsonObject storageJson(Fsck.Result result, Fsck.Mode mode) {
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
      o.addProperty("create", op.where());
      o.addProperty("content", op.digest().toString());
      ops.add(o);
    }
    storage.addProperty(
        "repair",
        switch (mode) {
          case CHECK -> "off";
          case PLAN_REPAIR -> "dry-run";
          case REPAIR -> "applied";
        });
    storage.add("repairs", ops);
    return storage;
  }
}
