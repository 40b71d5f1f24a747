package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Forgejo/Gitea package events and Harbor artifact events, from the shapes their docs give. */
class WebhooksTest {
  private static final String DIGEST =
      "sha256:1f3e9c0c2b8d5a4e6f70812233445566778899aabbccddeeff00112233445566";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String forgejoBody(String action, String type, String version) {
    return """
        {"action":"%s","repository":null,
         "package":{"id":7,"owner":{"id":1,"login":"Platform"},"creator":{"login":"ci"},
          "type":"%s","name":"CI-Image","version":"%s",
          "html_url":"https://forgejo.example/Platform/-/packages/container/ci-image/%s"},
         "sender":{"login":"ci"}}
        """
        .formatted(action, type, version, version);
  }

  private static String harborBody(String type, String resources) {
    return """
        {"type":"%s","occur_at":1733472000,"operator":"robot$ci",
         "event_data":{"resources":[%s],
          "repository":{"date_created":1733400000,"name":"app","namespace":"team",
           "repo_full_name":"team/app","repo_type":"private"}}}
        """
        .formatted(type, resources);
  }

  @Test
  void aForgejoContainerPushIsAPushOfOwnerSlashNameLowerCasedAtItsTag() {
    Events.Parsed parsed =
        Webhooks.forgejo("package", bytes(forgejoBody("created", "container", "1.4.2")));
    assertEquals(
        List.of(
            new Event("push", "platform/ci-image", Optional.of("1.4.2"), Optional.empty(), true)),
        parsed.events());
    assertEquals(0, parsed.ignored());
  }

  @Test
  void aForgejoVersionNamedByItsDigestIsAnUntaggedManifestAndADeleteIsADelete() {
    Events.Parsed parsed =
        Webhooks.forgejo(" package ", bytes(forgejoBody("deleted", "container", DIGEST)));
    Event event = parsed.events().get(0);
    assertEquals("delete", event.action());
    assertEquals(Optional.of(Digest.parse(DIGEST)), event.digest());
    assertEquals(Optional.empty(), event.tag());
  }

  @Test
  void aForgejoNpmPackageIsUnderstoodAndIgnored() {
    Events.Parsed parsed =
        Webhooks.forgejo("package", bytes(forgejoBody("created", "npm", "2.0.0")));
    assertTrue(parsed.events().isEmpty());
    assertEquals(1, parsed.ignored());
  }

  @Test
  void aForgejoEventThatIsNotAPackageEventOrAnUnknownActionIsAnUnknownEvent() {
    byte[] body = bytes(forgejoBody("created", "container", "1"));
    Webhooks.UnknownEvent push =
        assertThrows(Webhooks.UnknownEvent.class, () -> Webhooks.forgejo("push", body));
    assertTrue(push.getMessage().contains("Package"), push.getMessage());
    assertThrows(Webhooks.UnknownEvent.class, () -> Webhooks.forgejo(null, body));
    assertThrows(
        Webhooks.UnknownEvent.class,
        () -> Webhooks.forgejo("package", bytes(forgejoBody("updated", "container", "1"))));
  }

  @Test
  void aForgejoBodyWithoutThePackageShapeOrWithABadVersionIsRefusedWhole() {
    for (String body :
        List.of(
            "{\"action\":\"created\"}",
            "{\"action\":\"created\",\"package\":{\"type\":\"container\",\"name\":\"x\",\"version\":\"1\"}}",
            forgejoBody("created", "container", "not a tag!"),
            forgejoBody("created", "container", "sha256:abc"),
            "[]",
            "{\"action\":\"created\"} trailing")) {
      assertThrows(
          InvalidValueException.class, () -> Webhooks.forgejo("package", bytes(body)), body);
    }
  }

  @Test
  void theSignatureIsTheHexHmacSha256OfTheExactBody() throws Exception {
    byte[] body = bytes(forgejoBody("created", "container", "1.4.2"));
    byte[] secret = bytes("s3cret");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    String signature = HexFormat.of().formatHex(mac.doFinal(body));
    assertTrue(Webhooks.signed(body, secret, signature));
    assertTrue(Webhooks.signed(body, secret, signature.toUpperCase()));
    assertFalse(Webhooks.signed(body, bytes("other"), signature));
    byte[] tampered = body.clone();
    tampered[tampered.length - 3] ^= 1;
    assertFalse(Webhooks.signed(tampered, secret, signature));
    assertFalse(Webhooks.signed(body, secret, null));
    assertFalse(Webhooks.signed(body, secret, "sha256=" + signature));
  }

  @Test
  void aFormEncodedDeliveryCarriesTheSignedJsonInItsPayloadField() {
    String json = forgejoBody("created", "container", "1.4.2");
    byte[] form = bytes("payload=" + java.net.URLEncoder.encode(json, StandardCharsets.UTF_8));
    assertArrayEquals(bytes(json), Webhooks.formPayload(form));
    assertEquals(
        Webhooks.forgejo("package", bytes(json)).events(),
        Webhooks.forgejo("package", Webhooks.formPayload(form)).events());
    assertArrayEquals(bytes("{}"), Webhooks.formPayload(bytes("other=1&payload=%7B%7D")));
  }

  @Test
  void aFormWithoutOneReadablePayloadFieldIsRefused() {
    for (String form :
        List.of("", "payload=", "other=1", "payload=%7B%7D&payload=%7B%7D", "payload=%zz")) {
      assertThrows(InvalidValueException.class, () -> Webhooks.formPayload(bytes(form)), form);
    }
  }

  @Test
  void aHarborPushIsOnePushPerResourceInTheFullRepositoryName() {
    Events.Parsed parsed =
        Webhooks.harbor(
            bytes(
                harborBody(
                    "PUSH_ARTIFACT",
                    "{\"digest\":\""
                        + DIGEST
                        + "\",\"tag\":\"v2\",\"resource_url\":\"harbor.example/team/app:v2\"}")));
    assertEquals(
        List.of(
            new Event(
                "push", "team/app", Optional.of("v2"), Optional.of(Digest.parse(DIGEST)), true)),
        parsed.events());
  }

  @Test
  void aHarborDeleteWithoutATagIsADeleteOfItsDigestAndABadResourceIsSkippedAndCounted() {
    Events.Parsed parsed =
        Webhooks.harbor(
            bytes(
                harborBody(
                    "DELETE_ARTIFACT",
                    "{\"digest\":\"" + DIGEST + "\",\"tag\":\"\"},{\"digest\":\"md5:x\"},7")));
    assertEquals(1, parsed.events().size());
    assertEquals("delete", parsed.events().get(0).action());
    assertEquals(Optional.empty(), parsed.events().get(0).tag());
    assertEquals(2, parsed.skipped());
  }

  @Test
  void harborsOtherEventTypesAreIgnoredAndAnInventedOneIsUnknown() {
    Events.Parsed scan = Webhooks.harbor(bytes(harborBody("SCANNING_COMPLETED", "")));
    assertEquals(1, scan.ignored());
    assertThrows(
        Webhooks.UnknownEvent.class, () -> Webhooks.harbor(bytes(harborBody("PUSH_IMAGE", ""))));
  }

  @Test
  void aHarborBodyWithoutItsShapeIsRefusedWhole() {
    for (String body :
        List.of(
            "{\"type\":\"PUSH_ARTIFACT\"}",
            "{\"type\":\"PUSH_ARTIFACT\",\"event_data\":{\"resources\":[]}}",
            "{\"type\":\"PUSH_ARTIFACT\",\"event_data\":{\"repository\":{\"repo_full_name\":\"a/b\"}}}",
            "{\"type\":\"PUSH_ARTIFACT\",\"event_data\":{\"resources\":[],"
                + "\"repository\":{\"repo_full_name\":\"UPPER/case\"}}}",
            "{}",
            "")) {
      assertThrows(InvalidValueException.class, () -> Webhooks.harbor(bytes(body)), body);
    }
  }

  @Test
  void aHarborCloudEventsPayloadIsRefusedNamingTheSettingToChange() {
    InvalidValueException e =
        assertThrows(
            InvalidValueException.class,
            () ->
                Webhooks.harbor(
                    bytes(
                        """
                        {"specversion":"1.0","id":"4b8f","source":"/projects/2/webhook/policies/1",
                         "type":"harbor.artifact.pushed","datacontenttype":"application/json",
                         "data":{"resources":[],"repository":{"repo_full_name":"team/app"}}}
                        """)));
    assertTrue(e.getMessage().contains("Payload Format to Default"), e.getMessage());
  }
}
