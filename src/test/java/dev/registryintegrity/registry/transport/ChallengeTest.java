package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void bearerChallengeParamsAreReadWithQuotedCommas() {
    Challenge c =
        Challenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/alpine:pull,push\"")
            .orElseThrow();
    assertTrue(c.isBearer());
    assertEquals("https://auth.docker.io/token", c.param("realm").orElseThrow());
    assertEquals("registry.docker.io", c.param("service").orElseThrow());
    assertEquals("repository:library/alpine:pull,push", c.param("scope").orElseThrow());
  }

  @Test
  void basicChallengeIsRecognisedWhateverItsCase() {
    Challenge c = Challenge.parse("basic realm=\"Registry Realm\"").orElseThrow();
    assertTrue(c.isBasic());
    assertEquals("Registry Realm", c.param("realm").orElseThrow());
  }
}
