package dev.registryintegrity.status;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The status page's data as JSON ({@code /status.json}), for scripts and other dashboards: the same
 * verdict, problems and rows, the rows filtered and paged the same way.
 */
public final class StatusJson {
  private StatusJson() {}

  public static String render(Status status, String filter, int page) {
    Status.Page rows = status.page(filter, page);
    JsonObject root = new JsonObject();
    root.addProperty("title", status.title());
    root.addProperty("verdict", status.verdict());
    root.addProperty("now", status.now().toString());
    status
        .lastRun()
        .ifPresent(
            run -> {
              JsonObject last = new JsonObject();
              last.addProperty("verdict", run.verdict());
              last.addProperty("finishedAt", run.finishedAt().toString());
              last.addProperty(
                  "ageSeconds", status.now().getEpochSecond() - run.finishedAt().getEpochSecond());
              last.addProperty("durationSeconds", run.duration().toMillis() / 1000.0);
              last.addProperty("summary", run.summary());
              root.add("lastRun", last);
            });
    status.running().ifPresent(r -> root.addProperty("running", r));
    JsonArray problems = new JsonArray();
    for (Status.Problem p : status.problems()) {
      JsonObject o = new JsonObject();
      o.addProperty("severity", p.severity());
      o.addProperty("image", p.image());
      o.addProperty("kind", p.kind());
      p.digest().ifPresent(d -> o.addProperty("digest", d));
      JsonArray path = new JsonArray();
      p.path().forEach(path::add);
      o.add("path", path);
      o.addProperty("detail", p.detail());
      o.addProperty("hint", p.hint());
      problems.add(o);
    }
    root.add("problems", problems);
    root.addProperty("moreProblems", status.moreProblems());
    JsonObject table = new JsonObject();
    table.addProperty("row", status.rowsLabel());
    table.addProperty("total", status.rows().size());
    table.addProperty("filter", rows.filter());
    table.addProperty("matching", rows.matching());
    table.addProperty("page", rows.number());
    table.addProperty("pages", rows.pages());
    JsonArray list = new JsonArray();
    for (Status.Row r : rows.rows()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", r.name());
      o.addProperty("verdict", r.verdict());
      if (r.tags() >= 0) {
        o.addProperty("tags", r.tags());
      }
      o.addProperty("digests", r.digests());
      o.addProperty("broken", r.broken());
      o.addProperty("checkedAt", r.checkedAt().toString());
      list.add(o);
    }
    table.add("rows", list);
    root.add("rows", table);
    return new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create().toJson(root) + "\n";
  }
}
