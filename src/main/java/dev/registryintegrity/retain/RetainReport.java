package dev.registryintegrity.retain;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.Failure;
import dev.registryintegrity.report.Text;
import dev.registryintegrity.retain.RepositoryPlan.Deletion;
import dev.registryintegrity.retain.RepositoryPlan.Fate;
import dev.registryintegrity.retain.RepositoryPlan.KeptImage;
import dev.registryintegrity.retain.RepositoryPlan.TagFate;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A retention run for people (text: each repository's tags with their fate and why, what goes, what
 * the kept images keep, the verdict) and for machines (JSON, the same facts).
 */
public final class RetainReport {
  /** Tags longer than this break the column rather than push every digest far right. */
  private static final int TAG_COLUMN = 24;

  private final String version;

  public RetainReport(String version) {
    this.version = version;
  }

  /**
   * @param detail also list every kept image's closure (manifests by kind, blobs, bytes)
   */
  /**
   * @param exit the run's exit code: the result's, or 3 when its metrics could not be delivered
   */
  public void text(
      RetentionResult result, String rules, boolean detail, ExitCode exit, Console out) {
    out.line(
        "retain: keep {} ({})",
        rules,
        Console.ours(
            result.applied() ? "apply" : "plan: nothing is deleted; give --apply to delete"));
    for (RepositoryResult r : result.repositories()) {
      repository(r, detail, result.applied() && result.refusal().isEmpty(), out);
    }
    totals(result, exit, out);
  }

  /**
   * @param deleting whether this run deleted: then what it did not delete is said so, not planned
   */
  private static void repository(
      RepositoryResult r, boolean detail, boolean deleting, Console out) {
    if (r.error().isPresent()) {
      out.line("{}: {}", r.repository(), r.error().get());
      if (r.plan().isEmpty()) {
        return;
      }
    }
    RepositoryPlan plan = r.plan().orElseThrow();
    out.line(
        "{}: {}: {} kept, {} kept anyway, {} dropped, {} dropped alone; {} to delete, {} to"
            + " reclaim",
        r.repository(),
        Text.count(plan.tags().size(), "tag"),
        plan.count(Fate.KEEP),
        plan.count(Fate.KEEP_ANYWAY),
        plan.count(Fate.DROP),
        plan.count(Fate.DROP_TAG),
        Text.count(
            plan.deletions().stream().filter(d -> d instanceof Deletion.Remove).count(),
            "manifest"),
        Console.ours(ByteSize.format(plan.reclaimableBytes())));
    int width = 1;
    for (TagFate t : plan.tags()) {
      width = Math.min(TAG_COLUMN, Math.max(width, t.tag().length()));
    }
    for (TagFate t : plan.tags()) {
      out.line(
          "  {} {} {} {}",
          Console.cell(t.fate().label(), 11),
          Console.cell(t.tag(), width),
          t.digest(),
          String.join("; ", t.why()));
    }
    if (detail) {
      for (KeptImage k : plan.keptImages()) {
        out.line(
            "  keeps {}: {}, {} blobs, {}",
            k.name(),
            Console.ours(kinds(k.manifests())),
            k.blobs(),
            Console.ours(ByteSize.format(k.bytes())));
      }
    }
    plan.notes().forEach(n -> out.line("  note: {}", n));
    if (r.applied().isEmpty()) {
      for (Deletion d : plan.deletions()) {
        out.line("  {} {}", Console.cell(deleting ? "not deleted" : "to delete", 11), what(d));
      }
    } else {
      Applier.Applied applied = r.applied().get();
      applied.raced().forEach(line -> out.line("  raced: {}", line));
      for (Applier.Done d : applied.done()) {
        out.line(
            "  {} {} ({})",
            Console.cell(d.result().name().toLowerCase(Locale.ROOT).replace('_', ' '), 11),
            what(d.deletion()),
            d.status());
      }
    }
    List<ImageResult> kept = r.applied().isPresent() ? r.keptAfter() : r.keptBefore();
    long intact =
        kept.stream().filter(i -> i.verdict() == Verdict.OK || i.verdict() == Verdict.WARN).count();
    out.line(
        "  kept images{}: {} of {} intact",
        Console.ours(r.applied().isPresent() ? " after" : ""),
        intact,
        kept.size());
    for (Failure f : Failure.of(kept)) {
      out.line("    {} {}: {}", f.image(), f.finding().code(), f.hint());
    }
  }

  private static String what(Deletion d) {
    return switch (d) {
      case Deletion.Untag u -> "tag " + u.tag() + " alone (" + u.digest() + " stays)";
      case Deletion.Remove m ->
          m.kind().label()
              + " "
              + m.digest()
              + (m.tags().isEmpty()
                  ? ""
                  : (m.tags().size() == 1 ? " with tag " : " with tags ")
                      + String.join(", ", m.tags()));
    };
  }

  private static String kinds(Map<Kind, Integer> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getValue() + " " + e.getKey().label())
        .collect(Collectors.joining(", "));
  }

  private static void totals(RetentionResult result, ExitCode exit, Console out) {
    long drops = 0;
    long alone = 0;
    long deletions = 0;
    long bytes = 0;
    boolean made = result.applied() && result.refusal().isEmpty();
    boolean partly = false;
    for (RepositoryResult r : result.repositories()) {
      if (r.plan().isPresent()) {
        RepositoryPlan p = r.plan().get();
        drops += p.count(Fate.DROP);
        alone += p.count(Fate.DROP_TAG);
        long done = r.applied().map(a -> a.count(Applier.Result.DELETED)).orElse(0L);
        deletions += made ? done : p.deletions().size();
        partly |= made && done < p.deletions().size();
        bytes += p.reclaimableBytes();
      }
    }
    result.notes().forEach(n -> out.line("retain: note: {}", n));
    result.refusal().ifPresent(why -> out.line("retain: refused: {}", why));
    String verdict =
        switch (exit) {
          case INTACT -> "INTACT: every kept image is intact";
          case INTEGRITY_FAILURE -> "FAIL: a kept image is broken";
          default -> "COULD NOT CHECK: something could not be read, checked or deleted";
        };
    out.line(
        "{}; {}, {} dropped{}, {} {}, about {} for garbage-collect (no"
            + " --delete-untagged needed); {} requests in {} s (exit {})",
        Console.ours(verdict),
        Text.count(result.repositories().size(), "repository"),
        Text.count(drops, "tag"),
        Console.ours(alone == 0 ? "" : " and " + alone + " alone"),
        Text.count(deletions, "deletion"),
        Console.ours(made ? "made" : "planned"),
        Console.ours(
            ByteSize.format(bytes) + (partly ? " as planned (not every deletion was made)" : "")),
        result.requests(),
        String.format(Locale.ROOT, "%.2f", result.duration().toMillis() / 1000.0),
        exit.code());
  }

  /** The same facts as JSON (schema version 1). */
  public String json(RetentionResult result, String rules, ExitCode exit) {
    JsonObject root = new JsonObject();
    root.addProperty("schemaVersion", 1);
    root.addProperty("tool", "registry-integrity");
    root.addProperty("toolVersion", version);
    root.addProperty("command", "retain");
    root.addProperty("mode", result.applied() ? "apply" : "plan");
    root.addProperty("rules", rules);
    root.addProperty("startedAt", result.startedAt().toString());
    root.addProperty("durationMs", result.duration().toMillis());
    root.addProperty("requests", result.requests());
    root.addProperty("exitCode", exit.code());
    result.refusal().ifPresent(why -> root.addProperty("refused", why));
    JsonArray notes = new JsonArray();
    result.notes().forEach(notes::add);
    root.add("notes", notes);
    JsonArray repositories = new JsonArray();
    result.repositories().forEach(r -> repositories.add(repository(r)));
    root.add("repositories", repositories);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
  }

  private static JsonObject repository(RepositoryResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("repository", r.repository());
    r.error().ifPresent(e -> o.addProperty("error", e));
    r.plan()
        .ifPresent(
            plan -> {
              JsonArray tags = new JsonArray();
              for (TagFate t : plan.tags()) {
                JsonObject tag = new JsonObject();
                tag.addProperty("tag", t.tag());
                tag.addProperty("digest", t.digest().toString());
                tag.addProperty("fate", t.fate().key());
                tag.add("why", strings(t.why()));
                tags.add(tag);
              }
              o.add("tags", tags);
              JsonArray kept = new JsonArray();
              for (KeptImage k : plan.keptImages()) {
                JsonObject image = new JsonObject();
                image.addProperty("name", k.name());
                image.addProperty("digest", k.digest().toString());
                JsonObject manifests = new JsonObject();
                k.manifests().forEach((kind, n) -> manifests.addProperty(kind.label(), n));
                image.add("manifests", manifests);
                image.addProperty("blobs", k.blobs());
                image.addProperty("bytes", k.bytes());
                kept.add(image);
              }
              o.add("keptImages", kept);
              JsonArray deletions = new JsonArray();
              plan.deletions().forEach(d -> deletions.add(deletion(d)));
              o.add("deletions", deletions);
              o.addProperty("reclaimableBytes", plan.reclaimableBytes());
              o.add("notes", strings(plan.notes()));
            });
    r.inventory().ifPresent(i -> o.add("unreadable", strings(i.unreadable())));
    o.add("keptBefore", verdicts(r.keptBefore()));
    r.applied()
        .ifPresent(
            a -> {
              JsonArray done = new JsonArray();
              for (Applier.Done d : a.done()) {
                JsonObject one = deletion(d.deletion());
                one.addProperty("result", d.result().name().toLowerCase(Locale.ROOT));
                one.addProperty("status", d.status());
                done.add(one);
              }
              o.add("applied", done);
              o.add("raced", strings(a.raced()));
              o.add("keptAfter", verdicts(r.keptAfter()));
            });
    return o;
  }

  private static JsonObject deletion(Deletion d) {
    JsonObject o = new JsonObject();
    switch (d) {
      case Deletion.Untag u -> {
        o.addProperty("action", "delete tag");
        o.addProperty("tag", u.tag());
        o.addProperty("digest", u.digest().toString());
      }
      case Deletion.Remove m -> {
        o.addProperty("action", "delete manifest");
        o.addProperty("digest", m.digest().toString());
        o.addProperty("kind", m.kind().label());
        o.add("tags", strings(m.tags()));
      }
    }
    return o;
  }

  private static JsonArray verdicts(List<ImageResult> images) {
    JsonArray a = new JsonArray();
    for (ImageResult i : images) {
      JsonObject o = new JsonObject();
      o.addProperty("reference", i.reference());
      i.root().digest().ifPresent(d -> o.addProperty("digest", d.toString()));
      o.addProperty("verdict", i.verdict().name().toLowerCase(Locale.ROOT));
      a.add(o);
    }
    return a;
  }

  private static JsonArray strings(List<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }
}
