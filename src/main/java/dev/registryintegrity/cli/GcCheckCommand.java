package dev.registryintegrity.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.storage.GcCheck;
import dev.registryintegrity.storage.StorageLayout;
import java.util.Collection;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity gc-check [--delete-untagged] --registry-version 2|3 STORAGE_ROOT}: what
 * the registry's garbage collector would delete that a tag still needs; exit 1 when anything, so a
 * cron runs {@code gc-check ... && registry garbage-collect ...}.
 */
final class GcCheckCommand implements Command {
  @Override
  public About about() {
    return new About(
        "gc-check",
        "ROOT",
        "what garbage-collect would delete that a tag still needs (exit 1: do not run it)",
        "registry-integrity gc-check [--delete-untagged] --registry-version 2|3 [--format text|json]"
            + " STORAGE_ROOT",
        "Predicts from storage what the registry's garbage-collect with the same flags would"
            + " delete, and names what of it a tag still needs (index children, attestations,"
            + " referrers, their configs and layers). Reads only.",
        "Exit codes: 0 the collection breaks no tag, 1 it would, 2 usage error.");
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(
        Flags.flag(
            "delete-untagged",
            "predict garbage-collect --delete-untagged (the flag that deletes index children)"));
    o.addOption(
        Flags.valued(
            "registry-version",
            "2|3",
            "the distribution version whose collector runs: their marking differs (required)"));
    o.addOption(Flags.format("report on stdout"));
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) {
    GcCheck.Collector collector =
        switch (line.getOptionValue("registry-version", "").trim()) {
          case "2", "2.8", "v2" -> GcCheck.Collector.V2;
          case "3", "v3" -> GcCheck.Collector.V3;
          case "" ->
              throw new InputException(
                  "gc-check needs --registry-version 2 or 3: the collectors differ (2.x deletes an"
                      + " index's untagged children with --delete-untagged, v3 keeps them)");
          default ->
              throw new InputException(
                  "--registry-version '"
                      + line.getOptionValue("registry-version")
                      + "' is not known: use 2 or 3");
        };
    List<String> roots = line.getArgList();
    if (roots.size() != 1) {
      throw new InputException(
          "gc-check takes one storage root (the filesystem driver's rootdirectory, or"
              + " s3://BUCKET/ROOTDIRECTORY), got "
              + roots.size());
    }
    boolean deleteUntagged = line.hasOption("delete-untagged");
    GcCheck.Prediction p;
    try (StorageLayout layout =
        StorageLayout.open(roots.get(0), context.environment().variables())) {
      p = new GcCheck(layout).predict(collector, deleteUntagged);
    }
    boolean safe = p.breaks().isEmpty() && p.stops().isEmpty();
    if (Flags.json(line)) {
      JsonObject json = new JsonObject();
      json.addProperty("safe", safe);
      json.addProperty("registryVersion", collector == GcCheck.Collector.V2 ? "2" : "3");
      json.addProperty("deleteUntagged", deleteUntagged);
      JsonObject deletes = new JsonObject();
      deletes.add("revisionLinks", array(p.revisionLinks()));
      deletes.add("blobs", array(p.blobs().stream().map(Object::toString).toList()));
      deletes.add("layerLinks", array(p.layerLinks()));
      json.add("deletes", deletes);
      JsonArray breaks = new JsonArray();
      for (GcCheck.Break b : p.breaks()) {
        JsonObject o = new JsonObject();
        o.addProperty("tag", b.tag());
        o.addProperty("kind", b.kind().label());
        o.addProperty("digest", b.digest().toString());
        o.addProperty("lost", b.lost());
        o.add("path", array(b.path()));
        breaks.add(o);
      }
      json.add("breaks", breaks);
      json.add("stops", array(p.stops()));
      context
          .console()
          .json(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json));
    } else {
      Console console = context.console();
      console.line(
          "gc-check: garbage-collect{} (distribution {}) would remove {} manifest link(s), {}"
              + " blob(s){}",
          Console.ours(deleteUntagged ? " --delete-untagged" : ""),
          Console.ours(collector == GcCheck.Collector.V2 ? "2.x" : "v3"),
          p.revisionLinks().size(),
          p.blobs().size(),
          Console.ours(
              p.layerLinks().isEmpty() ? "" : ", " + p.layerLinks().size() + " layer link(s)"));
      for (String stop : p.stops()) {
        console.line("  stops: {}", stop);
      }
      for (GcCheck.Break b : p.breaks()) {
        console.line(
            "  breaks {}: {} {} loses its {} (path: {})",
            b.tag(),
            b.kind().label(),
            b.digest(),
            b.lost(),
            String.join(" -> ", b.path()));
      }
      console.line(
          safe
              ? "SAFE: the collection breaks no tag"
              : "NOT SAFE: {} thing(s) a tag still needs would be lost; do not collect (keep the"
                  + " children tagged, collect without --delete-untagged, or heal after)",
          safe ? new Object[0] : new Object[] {p.breaks().size() + p.stops().size()});
    }
    return safe ? ExitCode.INTACT : ExitCode.INTEGRITY_FAILURE;
  }

  private static JsonArray array(Collection<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }
}
