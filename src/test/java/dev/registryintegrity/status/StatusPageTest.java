package dev.registryintegrity.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusPageTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&</td><script>x()</script>";
  private final StatusPage page = new StatusPage("1.2.3");

  private static Status status(List<Status.Row> rows, Status.Problem... problems) {
    return new Status(
        "probe registry.example.com",
        NOW,
        Optional.of(
            new Status.LastRun(
                "broken", NOW.minusSeconds(300), Duration.ofSeconds(42), "probe ...: FAIL")),
        Optional.of("probe: 3 of 9 repositories listed, 10 of 40 tags walked, 80 digests checked"),
        List.of(problems),
        0,
        "repository",
        rows);
  }

  private static Status.Row row(String name, String verdict) {
    return new Status.Row(name, verdict, 3, 40, verdict.equals("broken") ? 1 : 0, NOW);
  }

  @Test
  void registryTextCannotInjectMarkupIntoThePage() {
    Status.Problem p =
        new Status.Problem(
            "broken",
            "registry.example.com/team/app:" + HOSTILE,
            "layer",
            Optional.of("sha256:" + "a".repeat(64)),
            List.of("index sha256:" + "b".repeat(64)),
            "the registry said: " + HOSTILE,
            "re-push");
    String html = page.render(status(List.of(row("team/" + HOSTILE, "broken")), p), HOSTILE, 1);
    assertFalse(html.contains("<img"), html);
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("onerror=alert(1)>"), html);
    assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;"), html);
    // The filter echoed into the form is an attribute value: its quote is escaped too.
    assertTrue(html.contains("value=\"&lt;img src=x onerror=alert(1)&gt;&quot;"), html);
    String json = StatusJson.render(status(List.of(), p), "", 1);
    JsonObject parsed = JsonParser.parseString(json).getAsJsonObject();
    assertEquals(
        "the registry said: " + HOSTILE,
        parsed.getAsJsonArray("problems").get(0).getAsJsonObject().get("detail").getAsString(),
        "JSON carries the text as it came, for programs");
  }

  @Test
  void controlCharactersAreShownNotObeyed() {
    Status.Problem p =
        new Status.Problem(
            "broken", "r/a:t", "layer", Optional.empty(), List.of(), "a\u001b[2Jb\u202ec", "");
    String html = page.render(status(List.of(), p), "", 1);
    assertFalse(html.contains("\u001b"), html);
    assertFalse(html.contains("\u202e"), html);
    // Shown, not dropped: the reader sees what the registry sent.
    assertTrue(html.contains("a\\x1b[2Jb\\u202ec"), html);
  }

  @Test
  void brokenComesFirstAndTheVerdictLeadsThePage() {
    List<Status.Row> rows =
        List.of(row("a/intact", "intact"), row("z/broken", "broken"), row("m/odd", "unchecked"));
    String html = page.render(status(rows), "", 1);
    assertTrue(html.indexOf("<h1>BROKEN</h1>") < html.indexOf("<table>"));
    assertTrue(html.indexOf("z/broken") < html.indexOf("m/odd"), html);
    assertTrue(html.indexOf("m/odd") < html.indexOf("a/intact"), html);
    assertTrue(html.contains("5 min ago"), html);
    assertTrue(html.contains("now running: probe: 3 of 9 repositories listed"), html);
    assertTrue(html.contains("content=\"30\""), "reloads itself");
    assertFalse(html.contains("<script"), "no script at all");
  }

  @Test
  void aLargeRegistryIsPagedAndFiltered() {
    List<Status.Row> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(row(String.format("team-%02d/service-%04d", i % 20, i), "intact"));
    }
    String first = page.render(status(rows), "", 1);
    assertEquals(Status.Page.SIZE, first.split("<tr class=").length - 1);
    assertTrue(first.contains("page 1 of 5"), first);
    assertTrue(first.contains("href=\"?q=&amp;page=2\""), first);
    Status.Page filtered = status(rows).page("team-07/", 1);
    assertEquals(50, filtered.matching());
    assertTrue(filtered.rows().stream().allMatch(r -> r.name().startsWith("team-07/")));
    assertEquals(5, status(rows).page("", 99).number(), "past the end: the last page");
    JsonObject json =
        JsonParser.parseString(StatusJson.render(status(rows), "team-07/", 1)).getAsJsonObject();
    assertEquals(50, json.getAsJsonObject("rows").get("matching").getAsInt());
    assertEquals(1000, json.getAsJsonObject("rows").get("total").getAsInt());
  }

  @Test
  void queryParametersAreReadLeniently() {
    assertEquals(
        new StatusQuery("team/a b", 3), StatusQuery.of(URI.create("/?q=team%2Fa+b&page=3")));
    assertEquals(new StatusQuery("", 1), StatusQuery.of(URI.create("/?page=x&q=&other=1")));
    assertEquals(new StatusQuery("a", 1), StatusQuery.of(URI.create("/?q=a&page=-3")));
    assertEquals(new StatusQuery("", 1), StatusQuery.of(URI.create("/")));
  }
}
