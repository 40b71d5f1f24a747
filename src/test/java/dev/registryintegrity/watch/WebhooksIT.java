package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.fixture.ImageSeeder;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.ImageSeeder.SeededImage;
import dev.registryintegrity.fixture.ReceiverProcess;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same push and the same delete told to three receiver processes, one per sender: in
 * distribution's envelope, as Forgejo's package webhook and as Harbor's artifact webhook, in the
 * shapes those projects document, against a real registry holding the image. Each receiver reaches
 * the same verdict, the same tag series and the same journal; what is not genuine queues nothing.
 */
class WebhooksIT {
  private static final String TOKEN = "hooks-token-0123456789abcdef";
  private static final String SECRET = "hooks-secret-fedcba9876543210";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();

  /** The three receivers, by the sender each one hears from. */
  private static final Map<String, Receiving> RECEIVERS = new LinkedHashMap<>();

  private final ImageSeeder seeder = REGISTRY.seeder();

  private record Receiving(ReceiverProcess process, int port, Path state) {}

  @BeforeAll
  static void startReceivers() throws Exception {
    Path token = Files.createTempFile("hooks-token", "");
    Files.writeString(token, TOKEN + "\n");
    Path secret = Files.createTempFile("hooks-secret", "");
    Files.writeString(secret, SECRET + "\n");
    for (String sender : List.of("distribution", "forgejo", "harbor")) {
      int port = RegistryFixture.freeLoopbackPort();
      Path state = Files.createTempDirectory("hooks-state-" + sender);
      ReceiverProcess process =
          ReceiverProcess.start(
              port,
              REGISTRY.host(),
              token,
              "--webhook-secret-file",
              secret.toString(),
              "--settle",
              "300ms",
              "--state-dir",
              state.toString());
      RECEIVERS.put(sender, new Receiving(process, port, state));
    }
  }

  @AfterAll
  static void stopReceivers() throws Exception {
    for (Receiving r : RECEIVERS.values()) {
      r.process().close();
    }
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  private static int post(int port, String path, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** What distribution sends for a manifest push or delete. */
  private static int tellDistribution(String action, String repo, String tag, Digest digest)
      throws Exception {
    String target =
        "\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"repository\":\""
            + repo
            + "\",\"digest\":\""
            + digest
            + "\""
            + (tag == null ? "" : ",\"tag\":\"" + tag + "\"");
    return post(
        RECEIVERS.get("distribution").port(),
        "/events",
        Map.of("Content-Type", Events.MEDIA_TYPE, "Authorization", "Bearer " + TOKEN),
        "{\"events\":[{\"id\":\"e1\",\"timestamp\":\"2026-12-06T10:00:00Z\",\"action\":\""
            + action
            + "\",\"target\":{"
            + target
            + "},\"request\":{\"method\":\"PUT\"},\"actor\":{\"name\":\"ci\"}}]}");
  }

  /** A Forgejo package event: the package is the repository's owner and name, its version. */
  private static String forgejoBody(String action, String type, String repo, String version) {
    String[] ownerName = repo.split("/", 2);
    return """
        {"action":"%s",
         "package":{"id":41,"owner":{"id":3,"login":"%s","full_name":""},
          "repository":null,"creator":{"id":3,"login":"ci"},"type":"%s","name":"%s",
          "version":"%s","html_url":"http://forgejo.invalid/%s/-/packages/%s/%s/%s",
          "created_at":"2026-12-06T10:00:00Z"},
         "sender":{"id":3,"login":"ci"}}
        """
        .formatted(
            action,
            // Forgejo shows the owner as it was registered; the image name is lower-cased.
            ownerName[0].toUpperCase(java.util.Locale.ROOT),
            type,
            ownerName[1],
            version,
            ownerName[0],
            type,
            ownerName[1],
            version);
  }

  private static int deliverForgejo(String body, String signature, String event) throws Exception {
    return post(
        RECEIVERS.get("forgejo").port(),
        "/events/forgejo",
        Map.of(
            "Content-Type",
            "application/json",
            "X-Forgejo-Event",
            event,
            "X-Gitea-Event",
            event,
            "X-Forgejo-Signature",
            signature,
            "X-Gitea-Signature",
            signature),
        body);
  }

  private static int tellForgejo(String action, String repo, String version) throws Exception {
    String body = forgejoBody(action, "container", repo, version);
    return deliverForgejo(body, hmac(SECRET, body.getBytes(StandardCharsets.UTF_8)), "package");
  }

  /** A Harbor artifact event (the Default payload format) for one artifact. */
  private static String harborBody(String type, String repo, String tag, Digest digest) {
    String[] namespaceName = repo.split("/", 2);
    return """
        {"type":"%s","occur_at":1765015200,"operator":"robot$ci",
         "event_data":{"resources":[{"digest":"%s","tag":"%s",
           "resource_url":"harbor.invalid/%s:%s"}],
          "repository":{"date_created":1765000000,"name":"%s","namespace":"%s",
           "repo_full_name":"%s","repo_type":"private"}}}
        """
        .formatted(
            type,
            digest,
            tag == null ? "" : tag,
            repo,
            tag == null ? digest : tag,
            namespaceName[1],
            namespaceName[0],
            repo);
  }

  private static int tellHarbor(String authorization, String body) throws Exception {
    return post(
        RECEIVERS.get("harbor").port(),
        "/events/harbor",
        Map.of("Content-Type", "application/json", "Authorization", authorization),
        body);
  }

  private static void awaitFailures(
      String sender, String repo, String tag, java.util.function.DoublePredicate verdict)
      throws Exception {
    ReceiverProcess p = RECEIVERS.get(sender).process();
    p.await(
        () -> {
          OptionalDouble v = p.tagFailures(repo, tag);
          return v.isPresent() && verdict.test(v.getAsDouble());
        },
        Duration.ofSeconds(30),
        sender + "'s verdict on " + repo + ":" + tag);
  }

  /**
   * The receiver's series about one tag, with the times (which differ by when each was told) left
   * out.
   */
  private static TreeSet<String> tagSeries(String sender, String repo, String tag) {
    TreeSet<String> lines = new TreeSet<>();
    String labels = "repository=\"" + repo + "\",tag=\"" + tag + "\"";
    for (String line : RECEIVERS.get(sender).process().get("/metrics").split("\n")) {
      if (line.contains(labels) && !line.contains("timestamp") && !line.contains("seconds")) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** The journal's lines about one repository, with the times left out. */
  private static List<String> journal(String sender, String repo) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(RECEIVERS.get(sender).state().resolve("journal.log"))) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.has("repo") && o.get("repo").getAsString().equals(repo)) {
        o.remove("first");
        o.remove("at");
        if (o.has("digests")) {
          // A set: its order is each process's own.
          TreeSet<String> digests = new TreeSet<>();
          o.getAsJsonArray("digests").forEach(d -> digests.add(d.getAsString()));
          com.google.gson.JsonArray sorted = new com.google.gson.JsonArray();
          digests.forEach(sorted::add);
          o.add("digests", sorted);
        }
        lines.add(o.toString());
      }
    }
    return lines;
  }

  private static void assertSameEverywhere(String repo, String tag) throws Exception {
    assertFalse(tagSeries("distribution", repo, tag).isEmpty(), "the tag has series");
    assertFalse(journal("distribution", repo).isEmpty(), "the tag is in the journal");
    for (String sender : List.of("forgejo", "harbor")) {
      assertEquals(
          tagSeries("distribution", repo, tag),
          tagSeries(sender, repo, tag),
          sender + "'s series against distribution's");
      assertEquals(journal("distribution", repo), journal(sender, repo), sender + "'s journal");
    }
  }

  /** A multi-platform image pushed as {@code v1}, told in each format, verified intact by each. */
  private SeededImage pushToldToEveryReceiver(String repo) throws Exception {
    SeededImage image = seeder.pushImage(repo, ImageSpec.multiPlatform(), "v1");
    Digest top = image.top("v1").digest();
    assertEquals(202, tellDistribution("push", repo, "v1", top));
    assertEquals(202, tellForgejo("created", repo, "v1"));
    assertEquals(202, tellHarbor(SECRET, harborBody("PUSH_ARTIFACT", repo, "v1", top)));
    for (String sender : RECEIVERS.keySet()) {
      awaitFailures(sender, repo, "v1", v -> v == 0);
    }
    return image;
  }

  @Test
  void eachSendersPushOfTheSameImageGivesTheSameVerdictSeriesAndJournal() throws Exception {
    String repo = "platform/" + REGISTRY.uniqueRepo("app");
    SeededImage image = pushToldToEveryReceiver(repo);
    Digest top = image.top("v1").digest();
    for (String sender : RECEIVERS.keySet()) {
      assertTrue(
          RECEIVERS
              .get(sender)
              .process()
              .log()
              .contains("watch: INTACT " + REGISTRY.host() + "/" + repo + ":v1 -> " + top),
          RECEIVERS.get(sender).process().log());
    }
    assertSameEverywhere(repo, "v1");
    for (String endpoint : List.of("/events", "/events/forgejo", "/events/harbor")) {
      String sender = endpoint.equals("/events") ? "distribution" : endpoint.substring(8);
      assertTrue(
          RECEIVERS
                  .get(sender)
                  .process()
                  .metric("watch_requests_total", "endpoint=\"" + endpoint + "\",code=\"202\"")
                  .orElse(0)
              >= 1,
          "each answer is counted by endpoint and code");
    }
    assertEquals(
        List.of("accept", "verdict"),
        journal("harbor", repo).stream()
            .map(l -> JsonParser.parseString(l).getAsJsonObject().get("op").getAsString())
            .toList());
  }

  @Test
  void eachSendersDeleteOfAChildFailsTheTagThatReachesIt() throws Exception {
    String repo = "platform/" + REGISTRY.uniqueRepo("deleted");
    SeededImage image = pushToldToEveryReceiver(repo);
    Digest child = image.child("linux/arm64").manifest().digest();
    seeder.deleteManifest(repo, child);
    assertEquals(202, tellDistribution("delete", repo, null, child));
    // Forgejo names an untagged manifest's version by its digest.
    assertEquals(202, tellForgejo("deleted", repo, child.toString()));
    assertEquals(
        202, tellHarbor("Bearer " + SECRET, harborBody("DELETE_ARTIFACT", repo, null, child)));
    for (String sender : RECEIVERS.keySet()) {
      awaitFailures(sender, repo, "v1", v -> v >= 1);
      ReceiverProcess p = RECEIVERS.get(sender).process();
      p.await(
          () -> p.log().contains("MISSING manifest linux/arm64 " + child),
          Duration.ofSeconds(10),
          sender + "'s report naming the deleted child");
    }
    assertSameEverywhere(repo, "v1");
  }

  @Test
  void aTamperedBodyAWrongSecretOrAnUnknownEventIsRefusedCountedLoggedAndQueuesNothing()
      throws Exception {
    String repo = "platform/" + REGISTRY.uniqueRepo("forged");
    ReceiverProcess forgejo = RECEIVERS.get("forgejo").process();
    ReceiverProcess harbor = RECEIVERS.get("harbor").process();
    double forgejoEvents = events(forgejo);
    double harborEvents = events(harbor);
    double forgejoRefused = rejected(forgejo, "unauthorized");

    String signed = forgejoBody("created", "container", repo, "v1");
    String signature = hmac(SECRET, signed.getBytes(StandardCharsets.UTF_8));
    assertEquals(401, deliverForgejo(signed.replace("\"v1\"", "\"v2\""), signature, "package"));
    assertEquals(
        401,
        deliverForgejo(
            signed,
            hmac("not-the-secret-0123456789", signed.getBytes(StandardCharsets.UTF_8)),
            "package"));
    assertEquals(
        401,
        post(
            RECEIVERS.get("forgejo").port(),
            "/events/forgejo",
            Map.of("Content-Type", "application/json", "X-Forgejo-Event", "package"),
            signed));
    assertEquals(forgejoRefused + 3, rejected(forgejo, "unauthorized"));
    assertTrue(
        forgejo
                .metric("watch_requests_total", "endpoint=\"/events/forgejo\",code=\"401\"")
                .orElse(0)
            >= 3);

    String push = forgejoBody("created", "container", repo, "v1");
    assertEquals(
        400,
        deliverForgejo(push, hmac(SECRET, push.getBytes(StandardCharsets.UTF_8)), "push"),
        "a repository push event is not a package event");
    assertEquals(1, rejected(forgejo, "unknown-event"));
    String notJson = "{\"action\":";
    assertEquals(
        400,
        deliverForgejo(notJson, hmac(SECRET, notJson.getBytes(StandardCharsets.UTF_8)), "package"));

    double ignored = metric(forgejo, "watch_events_ignored_total");
    String npm = forgejoBody("created", "npm", repo, "1.0.0");
    assertEquals(
        200, deliverForgejo(npm, hmac(SECRET, npm.getBytes(StandardCharsets.UTF_8)), "package"));
    assertEquals(ignored + 1, metric(forgejo, "watch_events_ignored_total"));

    Digest digest = Digest.sha256Of("forged".getBytes(StandardCharsets.UTF_8));
    String harborPush = harborBody("PUSH_ARTIFACT", repo, "v1", digest);
    assertEquals(401, tellHarbor("Bearer not-the-secret", harborPush));
    assertEquals(401, tellHarbor("Basic " + SECRET, harborPush));
    assertEquals(
        401,
        post(
            RECEIVERS.get("harbor").port(),
            "/events/harbor",
            Map.of("Content-Type", "application/json"),
            harborPush));
    assertEquals(
        400,
        tellHarbor(
            SECRET,
            "{\"specversion\":\"1.0\",\"type\":\"harbor.artifact.pushed\",\"id\":\"1\","
                + "\"source\":\"/projects/1\",\"data\":{}}"));
    assertEquals(
        415,
        post(
            RECEIVERS.get("harbor").port(),
            "/events/harbor",
            Map.of("Content-Type", "application/x-www-form-urlencoded", "Authorization", SECRET),
            "payload=" + harborPush));

    assertEquals(forgejoEvents, events(forgejo), "nothing refused is counted as an event");
    assertEquals(harborEvents, events(harbor));
    assertTrue(forgejo.tagFailures(repo, "v1").isEmpty());
    assertTrue(harbor.tagFailures(repo, "v1").isEmpty());
    assertEquals(List.of(), journal("forgejo", repo), "nothing refused is in the journal");
    assertEquals(List.of(), journal("harbor", repo));
    assertTrue(
        forgejo
            .log()
            .contains(
                "watch: refused POST /events/forgejo from 127.0.0.1: 401 the"
                    + " X-Forgejo-Signature/X-Gitea-Signature is not the HMAC-SHA256"),
        forgejo.log());
    assertTrue(
        harbor.log().contains("Payload Format to Default"), "the fix is named: " + harbor.log());
    for (ReceiverProcess p : List.of(forgejo, harbor)) {
      assertFalse(p.log().contains(SECRET), "a secret is never logged");
      assertFalse(p.log().contains(signature), "a signature is never logged");
    }
  }

  @Test
  void giteasOwnHeadersAloneAreEnough() throws Exception {
    String repo = "platform/" + REGISTRY.uniqueRepo("gitea");
    seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    String body = forgejoBody("created", "container", repo, "v1");
    assertEquals(
        202,
        deliverAs(
            "application/json",
            "X-Gitea-Event",
            "X-Gitea-Signature",
            hmac(SECRET, body.getBytes(StandardCharsets.UTF_8)),
            body));
    awaitFailures("forgejo", repo, "v1", v -> v == 0);
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  @Test
  void aFormEncodedDeliveryIsSignedOverItsJsonAndReadLikeTheJsonOne() throws Exception {
    String repo = "platform/" + REGISTRY.uniqueRepo("form");
    seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    String json = forgejoBody("created", "container", repo, "v1");
    String form = "payload=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8);
    String overJson = hmac(SECRET, json.getBytes(StandardCharsets.UTF_8));
    String overForm = hmac(SECRET, form.getBytes(StandardCharsets.UTF_8));
    double refused = rejected(RECEIVERS.get("forgejo").process(), "unauthorized");
    assertEquals(
        401,
        deliverAs(FORM, "X-Forgejo-Event", "X-Forgejo-Signature", overForm, form),
        "the sender signs the JSON in the field, not the form");
    assertEquals(refused + 1, rejected(RECEIVERS.get("forgejo").process(), "unauthorized"));
    assertEquals(202, deliverAs(FORM, "X-Forgejo-Event", "X-Forgejo-Signature", overJson, form));
    awaitFailures("forgejo", repo, "v1", v -> v == 0);
  }

  @Test
  void githubsSignatureHeaderAloneIsEnoughAndItsPrefixIsRequired() throws Exception {
    String repo = "platform/" + REGISTRY.uniqueRepo("hub");
    seeder.pushImage(repo, ImageSpec.singlePlatform(), "v1");
    String body = forgejoBody("created", "container", repo, "v1");
    String signature = hmac(SECRET, body.getBytes(StandardCharsets.UTF_8));
    assertEquals(
        401,
        deliverAs("application/json", "X-Gitea-Event", "X-Hub-Signature-256", signature, body),
        "a bare hex in GitHub's header is not its format");
    assertEquals(
        202,
        deliverAs(
            "application/json",
            "X-Gitea-Event",
            "X-Hub-Signature-256",
            "sha256=" + signature,
            body));
    awaitFailures("forgejo", repo, "v1", v -> v == 0);
  }

  /** One delivery with only the headers named: what a sender, or a proxy in front, passes. */
  private static int deliverAs(
      String contentType, String eventHeader, String signatureHeader, String signature, String body)
      throws Exception {
    return post(
        RECEIVERS.get("forgejo").port(),
        "/events/forgejo",
        Map.of("Content-Type", contentType, eventHeader, "package", signatureHeader, signature),
        body);
  }

  private static double events(ReceiverProcess p) {
    return p.get("/metrics")
        .lines()
        .filter(l -> l.startsWith("registry_manifest_integrity_watch_events_total{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static double rejected(ReceiverProcess p, String reason) {
    return p.metric("watch_requests_rejected_total", "reason=\"" + reason + "\"").orElse(-1);
  }

  private static double metric(ReceiverProcess p, String name) {
    return p.metric(name, "").orElse(-1);
  }
}
