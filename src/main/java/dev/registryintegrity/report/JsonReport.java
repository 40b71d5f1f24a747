package dev.registryintegrity.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import java.io.Writer;
import java.util.List;

/**
 * The same facts as {@link TextReport}, as JSON for later pipeline steps and machines. The schema
 * is documented in docs/checks-and-reports.md ("JSON report"); {@code schemaVersion} changes on any
 * incompatible change.
 */
public final class JsonReport {
  public static final int SCHEMA_VERSION = 1;

  private final String toolVersion;
  private final Gson gson =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

  public JsonReport(String toolVersion) {
    this.toolVersion = toolVersion;
  }

  public void render(RunReport report, Writer out) {
    gson.toJson(toJson(report), out);
  }

  public String render(RunReport report) {
    return gson.toJson(toJson(report));
  }

  JsonObject toJson(RunReport report) {
    JsonObject root = new JsonObject();
    root.addProperty("schemaVersion", SCHEMA_VERSION);
    root.addProperty("tool", "registry-integrity");
    root.addProperty("toolVersion", toolVersion);
    root.addProperty("command", report.command());
    root.addProperty("startedAt", report.startedAt().toString());
    root.addProperty("durationMs", report.duration().toMillis());
    root.addProperty("exitCode", report.exitCode().code());
    root.addProperty(
        "result", report.exitCode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    root.addProperty("check", report.check().label());
    RunReport.Counts c = report.counts();
    JsonObject summary = new JsonObject();
    summary.addProperty("images", report.imageCount());
    summary.addProperty("digests", c.digests());
    summary.addProperty("intact", c.intact());
    summary.addProperty("external", c.external());
    summary.addProperty("warnings", c.warnings());
    summary.addProperty("failed", c.failed());
    summary.addProperty("unchecked", c.unchecked());
    summary.addProperty("unlisted", report.unlisted());
    summary.addProperty("requests", report.requests());
    root.add("summary", summary);
    JsonArray warnings = new JsonArray();
    report.warnings().forEach(warnings::add);
    root.add("warnings", warnings);
    JsonArray notes = new JsonArray();
    report.notes().forEach(notes::add);
    root.add("notes", notes);
    JsonArray images = new JsonArray();
    for (ImageResult image : report.images()) {
      images.add(image(image));
    }
    root.add("images", images);
    root.add("failures", failureList(Failure.of(report.images())));
    root.add("warningFindings", failureList(Failure.warnings(report.images())));
    return root;
  }

  private static JsonArray failureList(List<Failure> list) {
    JsonArray failures = new JsonArray();
    for (Failure f : list) {
      JsonObject o = new JsonObject();
      o.addProperty("image", f.image());
      f.node()
          .ifPresent(
              n -> {
                o.addProperty("kind", n.kind().label());
                n.digest().ifPresent(d -> o.addProperty("digest", d.toString()));
                n.platform().ifPresent(p -> o.addProperty("platform", p));
              });
      addFinding(o, f.finding());
      JsonArray path = new JsonArray();
      path.add(f.image());
      for (Node step : f.path()) {
        path.add(step.kind().label() + " " + step.digest().map(Digest::toString).orElse("?"));
      }
      if (!f.path().isEmpty()) {
        f.node()
            .ifPresent(
                n ->
                    path.add(
                        n.kind().label() + " " + n.digest().map(Digest::toString).orElse("?")));
      }
      o.add("path", path);
      o.addProperty("hint", f.hint());
      failures.add(o);
    }
    return failures;
  }

  private JsonObject image(ImageResult image) {
    JsonObject o = new JsonObject();
    o.addProperty("reference", image.reference());
    o.addProperty("source", image.source().description());
    image.root().digest().ifPresent(d -> o.addProperty("digest", d.toString()));
    o.addProperty("verdict", image.verdict().name().toLowerCase(java.util.Locale.ROOT));
    JsonArray imageFindings = new JsonArray();
    for (Finding f : image.imageFindings()) {
      JsonObject fo = new JsonObject();
      addFinding(fo, f);
      imageFindings.add(fo);
    }
    o.add("imageFindings", imageFindings);
    JsonArray nodes = new JsonArray();
    Graphs.forEachUnique(image.root(), (node, path) -> nodes.add(node(node, path)));
    o.add("nodes", nodes);
    return o;
  }

  private static JsonObject node(Node node, List<Node> path) {
    JsonObject o = new JsonObject();
    o.addProperty("kind", node.kind().label());
    node.digest()
        .ifPresentOrElse(d -> o.addProperty("digest", d.toString()), () -> o.add("digest", null));
    o.addProperty("mediaType", node.mediaType());
    node.platform()
        .ifPresentOrElse(p -> o.addProperty("platform", p), () -> o.add("platform", null));
    if (node.size() >= 0) {
      o.addProperty("size", node.size());
    } else {
      o.add("size", null);
    }
    o.addProperty("status", node.status());
    if (path.isEmpty()) {
      o.add("parent", null);
    } else {
      o.addProperty(
          "parent", path.get(path.size() - 1).digest().map(Digest::toString).orElse(null));
    }
    o.addProperty("depth", path.size());
    // A referrer's subject is its parent.
    node.artifactType().ifPresent(t -> o.addProperty("artifactType", t));
    addFinding(o, node.finding());
    return o;
  }

  private static void addFinding(JsonObject o, Finding finding) {
    o.addProperty("verdict", finding.verdict().name().toLowerCase(java.util.Locale.ROOT));
    o.addProperty("finding", finding.code());
    o.addProperty("detail", finding.detail());
    if (finding instanceof Finding.Intact intact) {
      o.addProperty("proof", intact.proof().label());
    }
    if (finding instanceof Finding.External external) {
      o.addProperty("proof", dev.registryintegrity.source.Proof.EXTERNAL.label());
      o.addProperty("url", external.url());
    }
  }
}
