package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventsTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);

  private static Events.Parsed parse(String json) {
    return Events.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theEnvelopeMediaTypesOfBothRegistryVersionsAreAcceptedAndNothingThatOnlyStartsLikeThem() {
    // 2.x posts events.v1+json; v3.0.0 raised the version to v2+json with the same fields.
    assertTrue(acceptedMediaType("application/vnd.docker.distribution.events.v1+json"));
    assertTrue(acceptedMediaType("application/vnd.docker.distribution.events.v2+json"));
    assertTrue(acceptedMediaType("Application/Vnd.Docker.Distribution.Events.V2+JSON; a=b"));
    assertTrue(acceptedMediaType("application/json"));
    assertFalse(acceptedMediaType("application/vnd.docker.distribution.events.v3+json"));
    assertFalse(acceptedMediaType("application/vnd.docker.distribution.events.v2+jsonx"));
    assertFalse(acceptedMediaType(null));
  }

  @Test
  void aTaggedIndexPushAsDistributionSendsIt() {
    // The shape docker-registry 2.8.2 posts, trimmed of the fields the receiver does not read.
    Events.Parsed parsed =
        parse(
            """
        {"events":[{"id":"e1","timestamp":"2026-11-24T10:00:00Z","action":"push",
          "target":{"mediaType":"application/vnd.oci.image.index.v1+json","size":700,"digest":"%s","length":700,
            "repository":"team/app","url":"http://r/v2/team/app/manifests/%s","tag":"v1"},
          "request":{"id":"r1","addr":"127.0.0.1","host":"r","method":"PUT","useragent":"skopeo"},
          "actor":{},"source":{"addr":"r:5000","instanceID":"i"}}]}"""
                .formatted(DIGEST, DIGEST));
    assertEquals(0, parsed.skipped());
    Event e = parsed.events().get(0);
    assertEquals(
        new Event("push", "team/app", Optional.of("v1"), Optional.of(Digest.parse(DIGEST)), true),
        e);
  }

  @Test
  void blobPushesAreEventsButNotManifests() {
    Event e =
        parse(
                """
        {"events":[{"action":"push","target":{"mediaType":"application/octet-stream","digest":"%s","repository":"app"}}]}"""
                    .formatted(DIGEST))
            .events()
            .get(0);
    assertFalse(e.manifest());
    assertTrue(e.tag().isEmpty());
  }

  @Test
  void badEntriesAreSkippedAndCountedWithoutLosingTheGoodOnes() {
    Events.Parsed parsed =
        parse(
            """
        {"events":[
          {"action":"push","target":{"repository":"UPPER/case","tag":"v1"}},
          {"action":"push","target":{"repository":"app","tag":"bad tag"}},
          {"action":"push","target":{"repository":"app","digest":"sha256:short"}},
          {"action":7,"target":{}},
          "not an object",
          {"action":"push"},
          {"action":"delete","target":{"repository":"app","digest":"%s"}}]}"""
                .formatted(DIGEST));
    assertEquals(6, parsed.skipped());
    assertEquals(1, parsed.events().size());
    assertEquals("delete", parsed.events().get(0).action());
  }

  @Test
  void anEnvelopeWithMoreEntriesThanAnyRegistrySendsIsCutAtTheLimit() {
    String one = "{\"action\":\"pull\",\"target\":{\"repository\":\"app\"}}";
    Events.Parsed parsed =
        parse("{\"events\":[" + (one + ",").repeat(Events.MAX_EVENTS + 9) + one + "]}");
    assertEquals(Events.MAX_EVENTS, parsed.events().size());
    assertEquals(10, parsed.skipped());
  }

  @Test
  void aBodyThatIsNotAnEnvelopeIsOneNamedError() {
    assertEquals(
        "the body is not JSON",
        assertThrows(InvalidValueException.class, () -> parse("{\"events\":[")).getMessage());
    assertTrue(
        assertThrows(InvalidValueException.class, () -> parse("[]"))
            .getMessage()
            .contains("not an event envelope"));
    assertTrue(
        assertThrows(InvalidValueException.class, () -> parse("{\"events\":{}}"))
            .getMessage()
            .contains("not an event envelope"));
    assertThrows(InvalidValueException.class, () -> parse("[".repeat(100) + "]".repeat(100)));
  }

  /**
   * What {@code /events} takes: distribution's media types, with parameters and in any case;
   * nothing that only starts like them.
   */
  private static boolean acceptedMediaType(String contentType) {
    return EventEndpoint.DISTRIBUTION_TYPES.unwrapFor(contentType).isPresent();
  }
}
