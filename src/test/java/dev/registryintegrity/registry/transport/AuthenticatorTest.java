package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.credentials.CredentialStore;
import dev.registryintegrity.registry.credentials.Credentials;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The token cache's policy, with a clock the test moves. The token flow itself runs against a real
 * registry in TokenAuthIT.
 */
class AuthenticatorTest {
  private static final Challenge BEARER =
      Challenge.parse(
              "Bearer realm=\"https://auth.example/token\",service=\"reg\",scope=\"repository:a/b:pull\"")
          .orElseThrow();

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<URI> asked = new ArrayList<>();
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  private HttpResponse tokenAnswer(HttpRequest request, String body) {
    asked.add(request.uri());
    return new HttpResponse(
        200, Map.of(), body.getBytes(StandardCharsets.UTF_8), false, request.uri(), List.of());
  }

  @Test
  void aTokenIsReusedForItsScopeUntilShortlyBeforeItExpires() {
    Authenticator auth = new Authenticator(CredentialStore.none(), Spelling.CLI, clock);
    String first =
        auth.answer(
            "reg.example",
            "a/b",
            HttpRequest.PULL,
            BEARER,
            r -> tokenAnswer(r, "{\"token\":\"t1\",\"expires_in\":100}"));
    assertEquals("Bearer t1", first);
    assertEquals(Optional.of("Bearer t1"), auth.known("reg.example", "a/b", HttpRequest.PULL));
    now = now.plusSeconds(89);
    assertEquals(Optional.of("Bearer t1"), auth.known("reg.example", "a/b", HttpRequest.PULL));
    now = now.plusSeconds(2);
    assertEquals(
        Optional.empty(),
        auth.known("reg.example", "a/b", HttpRequest.PULL),
        "renewed before expiry, not after");
    assertEquals(
        "Bearer t2",
        auth.answer(
            "reg.example",
            "a/b",
            HttpRequest.PULL,
            BEARER,
            r -> tokenAnswer(r, "{\"access_token\":\"t2\"}")));
    assertEquals(2, asked.size());
    assertTrue(
        asked.get(0).getQuery().contains("scope=repository:a/b:pull"), asked.get(0).toString());
    assertTrue(asked.get(0).getQuery().contains("service=reg"), asked.get(0).toString());
  }

  @Test
  void eachRepositoryGetsItsOwnScope() {
    Authenticator auth = new Authenticator(CredentialStore.none(), Spelling.CLI, clock);
    auth.answer(
        "reg.example", "a/b", HttpRequest.PULL, BEARER, r -> tokenAnswer(r, "{\"token\":\"ab\"}"));
    auth.answer(
        "reg.example", "c/d", HttpRequest.PULL, BEARER, r -> tokenAnswer(r, "{\"token\":\"cd\"}"));
    assertEquals(Optional.of("Bearer ab"), auth.known("reg.example", "a/b", HttpRequest.PULL));
    assertEquals(Optional.of("Bearer cd"), auth.known("reg.example", "c/d", HttpRequest.PULL));
    assertTrue(asked.get(1).getQuery().contains("repository:c/d:pull"));
  }

  @Test
  void tokenWithoutLifetimeLastsTheSpecsDefaultSixtySeconds() {
    Authenticator auth = new Authenticator(CredentialStore.none(), Spelling.CLI, clock);
    auth.answer("r", "a/b", HttpRequest.PULL, BEARER, req -> tokenAnswer(req, "{\"token\":\"t\"}"));
    now = now.plusSeconds(50);
    assertTrue(auth.known("r", "a/b", HttpRequest.PULL).isPresent());
    now = now.plusSeconds(5);
    assertFalse(auth.known("r", "a/b", HttpRequest.PULL).isPresent());
  }

  @Test
  void tokenRequestCarriesBasicCredentialsButTheyNeverShowInMessages() {
    Credentials c = new Credentials("u", "p4ss-word", "--password");
    Authenticator auth = new Authenticator(CredentialStore.everywhere(c), Spelling.CLI, clock);
    List<HttpRequest> requests = new ArrayList<>();
    CannotCheckException e =
        assertThrows(
            CannotCheckException.class,
            () ->
                auth.answer(
                    "r",
                    "a/b",
                    HttpRequest.PULL,
                    BEARER,
                    req -> {
                      requests.add(req);
                      return new HttpResponse(
                          401, Map.of(), new byte[0], false, req.uri(), List.of());
                    }));
    assertTrue(requests.get(0).headers().get("Authorization").startsWith("Basic "));
    assertTrue(
        e.getMessage().contains("token service refused user 'u' from --password (401)"),
        e.getMessage());
    assertFalse(e.getMessage().contains("p4ss-word"));
    assertFalse(c.toString().contains("p4ss-word"));
  }

  private String basicRefusalWithoutCredentials(Spelling spelling) {
    Authenticator auth = new Authenticator(CredentialStore.none(), spelling, clock);
    return assertThrows(
            CannotCheckException.class,
            () ->
                auth.answer(
                    "r",
                    "a/b",
                    HttpRequest.PULL,
                    Challenge.parse("Basic realm=x").orElseThrow(),
                    req -> null))
        .getMessage();
  }

  @Test
  void basicChallengeWithoutCredentialsSaysHowToGiveThemInTheUsersOwnWords() {
    String cli = basicRefusalWithoutCredentials(Spelling.CLI);
    assertTrue(cli.endsWith("requires authentication: pass --username and --password"), cli);
    String plugin = basicRefusalWithoutCredentials(Spelling.PLUGIN);
    assertTrue(
        plugin.endsWith("requires authentication: pass the username and password settings"),
        plugin);
  }

  @Test
  void retryScheduleGrowsExponentiallyAndIsCapped() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));
    assertEquals(Duration.ofMillis(100), p.backoff(1));
    assertEquals(Duration.ofMillis(400), p.backoff(3));
    assertEquals(Duration.ofSeconds(1), p.backoff(5));
  }
}
