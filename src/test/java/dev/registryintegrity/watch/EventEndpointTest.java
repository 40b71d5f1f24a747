package dev.registryintegrity.watch;

import static dev.registryintegrity.watch.Deliveries.bytes;
import static dev.registryintegrity.watch.Deliveries.headers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventEndpointTest {
  private static final String TOKEN = "t0ken-for-distribution";
  private static final String SECRET = "s3cret-for-webhooks";
  private static final byte[] NO_BODY = new byte[0];
  private static final Optional<Refusal> UNAUTHORIZED =
      Optional.of(new Refusal(401, "unauthorized", "unauthorized"));

  private static Optional<Refusal> check(EventEndpoint endpoint, Headers headers, byte[] payload) {
    return endpoint.gate().check(headers, payload);
  }

  @Test
  void theThreeSendersEachHaveTheirOwnPath() {
    assertEquals(
        List.of("/events", "/events/forgejo", "/events/harbor"),
        EventEndpoint.all(Optional.of(TOKEN), Optional.of(SECRET)).stream()
            .map(EventEndpoint::path)
            .toList());
  }

  @Test
  void distributionPassesOnlyItsTokenAsABearerComparedWhole() {
    EventEndpoint events = EventEndpoint.distribution(Optional.of(TOKEN));
    assertEquals(
        Optional.empty(), check(events, headers("Authorization", "Bearer " + TOKEN), NO_BODY));
    for (String wrong :
        List.of(
            TOKEN, "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "bearer " + TOKEN)) {
      assertEquals(UNAUTHORIZED, check(events, headers("Authorization", wrong), NO_BODY), wrong);
    }
    assertEquals(UNAUTHORIZED, check(events, headers(), NO_BODY));
  }

  @Test
  void harborPassesItsSecretAsThePolicyTypedItAloneOrAsABearer() {
    EventEndpoint harbor = EventEndpoint.harbor(Optional.of(SECRET));
    assertEquals(Optional.empty(), check(harbor, headers("Authorization", SECRET), NO_BODY));
    assertEquals(
        Optional.empty(), check(harbor, headers("Authorization", "Bearer " + SECRET), NO_BODY));
    assertEquals(UNAUTHORIZED, check(harbor, headers("Authorization", "Basic " + SECRET), NO_BODY));
    assertEquals(UNAUTHORIZED, check(harbor, headers("Authorization", SECRET + " "), NO_BODY));
    assertEquals(UNAUTHORIZED, check(harbor, headers(), NO_BODY));
  }

  @Test
  void forgejoPassesTheHmacOfThePayloadFromItsOwnGiteasOrGithubsHeader() {
    EventEndpoint forgejo = EventEndpoint.forgejo(Optional.of(SECRET));
    byte[] payload = bytes(Deliveries.forgejo("container"));
    String signature = Deliveries.hmac(payload, SECRET);
    for (Headers signed :
        List.of(
            headers("X-Forgejo-Signature", signature),
            headers("X-Gitea-Signature", signature),
            headers("X-Hub-Signature-256", "sha256=" + signature))) {
      assertEquals(Optional.empty(), check(forgejo, signed, payload), signed.toString());
    }
    byte[] other = bytes(Deliveries.forgejo("npm"));
    for (Headers wrong :
        List.of(
            headers("X-Forgejo-Signature", Deliveries.hmac(other, SECRET)),
            headers("X-Forgejo-Signature", Deliveries.hmac(payload, "other")),
            headers("X-Hub-Signature-256", signature),
            headers())) {
      Optional<Refusal> refused = check(forgejo, wrong, payload);
      assertEquals(401, refused.orElseThrow().status(), wrong.toString());
      assertEquals(
          "the X-Forgejo-Signature/X-Gitea-Signature is not the HMAC-SHA256 of the delivered JSON"
              + " under the webhook's secret",
          refused.get().message());
    }
  }

  @Test
  void anEndpointStartedWithoutItsSecretRefusesEveryoneNamingTheOptionThatTurnsItOn() {
    List<EventEndpoint> off = EventEndpoint.all(Optional.empty(), Optional.empty());
    Headers right =
        headers(
            "Authorization",
            "Bearer " + TOKEN,
            "X-Forgejo-Signature",
            Deliveries.hmac(NO_BODY, SECRET));
    List<String> options =
        List.of("--token-file", "--webhook-secret-file", "--webhook-secret-file");
    for (int i = 0; i < off.size(); i++) {
      assertEquals(
          Optional.of(
              Refusal.unauthorized(
                  "this receiver was started without " + options.get(i) + ": endpoint off")),
          check(off.get(i), right, NO_BODY),
          off.get(i).path());
    }
  }

  @Test
  void eachEndpointTakesOnlyTheMediaTypesItsSenderPostsAndUnwrapsAForm() {
    String json = Deliveries.forgejo("container");
    byte[] form = bytes("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8));
    EventEndpoint.Accepts forgejo = EventEndpoint.forgejo(Optional.of(SECRET)).accepts();
    assertArrayEquals(
        bytes(json),
        forgejo
            .unwrapFor("Application/X-WWW-Form-Urlencoded; charset=utf-8")
            .orElseThrow()
            .payload(form));
    assertArrayEquals(form, forgejo.unwrapFor("application/json").orElseThrow().payload(form));
    EventEndpoint.Accepts harbor = EventEndpoint.harbor(Optional.of(SECRET)).accepts();
    assertTrue(harbor.unwrapFor("application/json; charset=utf-8").isPresent());
    assertTrue(harbor.unwrapFor("application/x-www-form-urlencoded").isEmpty());
    assertTrue(harbor.unwrapFor(null).isEmpty());
    EventEndpoint.Accepts events = EventEndpoint.distribution(Optional.of(TOKEN)).accepts();
    assertTrue(events.unwrapFor(Events.MEDIA_TYPE_V3).isPresent());
    assertTrue(events.unwrapFor("application/x-www-form-urlencoded").isEmpty());
    assertEquals(
        "application/vnd.docker.distribution.events.v1+json or"
            + " application/vnd.docker.distribution.events.v2+json",
        events.described());
  }

  @Test
  void eachSendersFormatReadsItsDeliveryIntoTheSameEvent() {
    Event pushed = new Event("push", "team/app", Optional.of("v1"), Optional.empty(), true);
    assertEquals(
        List.of(pushed),
        EventEndpoint.distribution(Optional.of(TOKEN))
            .format()
            .parse(headers(), bytes(Deliveries.envelope("push", "team/app", "v1")))
            .events());
    assertEquals(
        List.of(pushed),
        EventEndpoint.forgejo(Optional.of(SECRET))
            .format()
            .parse(headers("X-Gitea-Event", "package"), bytes(Deliveries.forgejo("container")))
            .events());
    assertEquals(
        List.of(pushed),
        EventEndpoint.harbor(Optional.of(SECRET))
            .format()
            .parse(headers(), bytes(Deliveries.harbor("PUSH_ARTIFACT")))
            .events());
  }
}
