package dev.registryintegrity.registry.transport;

import static dev.registryintegrity.registry.transport.Loopback.answer;
import static dev.registryintegrity.registry.transport.Loopback.get;
import static dev.registryintegrity.registry.transport.Loopback.withBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.RawHttpServer;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.credentials.CredentialStore;
import dev.registryintegrity.registry.credentials.Credentials;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authentication layer between the retry layer and the real layers below, against loopback
 * servers that challenge as registries do: Basic, or Bearer with a token endpoint beside the API.
 */
class AuthenticatingTest {
  private static final Credentials CI = new Credentials("ci", "s3cret-pw", "--password");

  private final Loopback loopback = new Loopback();
  private final FailureMessages messages = new FailureMessages(Spelling.CLI);
  private final Retrying retrying =
      new Retrying(
          new Retries(RetryPolicy.defaults(), d -> {}, Clock.systemUTC(), Deadline.none()),
          messages);

  @AfterEach
  void close() {
    loopback.close();
  }

  private Authenticating authenticating(CredentialStore credentials) {
    return new Authenticating(
        new Authenticator(credentials, Spelling.CLI, Clock.systemUTC()),
        messages,
        loopback.redirects);
  }

  /** One request as the transport sends it: retried, authenticated, token requests anonymous. */
  private HttpResponse send(Authenticating layer, String registry, HttpRequest request) {
    return retrying.send(
        registry,
        request,
        layer.forRequest(registry, token -> retrying.send(registry, token, loopback.redirects)));
  }

  private HttpResponse sendAsCi(HttpRequest request) {
    return send(authenticating(CredentialStore.everywhere(CI)), "reg", request);
  }

  /** A registry with a token endpoint at /token that hands out "t1", "t2", ... in turn. */
  private static RawHttpServer bearerRegistry(Function<String, Boolean> accepted) throws Exception {
    AtomicInteger issued = new AtomicInteger();
    String[] self = new String[1];
    RawHttpServer server =
        new RawHttpServer(
            RawHttpServer.writing(
                r -> {
                  if (r.path().startsWith("/token")) {
                    return withBody("200 OK", "{\"token\":\"t" + issued.incrementAndGet() + "\"}");
                  }
                  String auth = r.header("Authorization");
                  return auth != null && accepted.apply(auth)
                      ? withBody("200 OK", "ok")
                      : answer(
                          "401 Unauthorized",
                          "WWW-Authenticate: Bearer realm=\"http://"
                              + self[0]
                              + "/token\",service=\"reg\"",
                          "Content-Length: 0");
                }));
    self[0] = server.host();
    return server;
  }

  private static List<RawHttpServer.Request> tokenRequests(RawHttpServer server) {
    return server.seen().stream().filter(r -> r.path().startsWith("/token")).toList();
  }

  @Test
  void aChallengeIsAnsweredOnceAndTheTokenReusedByTheNextRequest() throws Exception {
    try (RawHttpServer registry = bearerRegistry(auth -> auth.equals("Bearer t1"))) {
      Authenticating layer = authenticating(CredentialStore.none());
      assertEquals(
          200, send(layer, "reg", get(registry, "/v2/team/app/manifests/a", Map.of())).status());
      assertEquals(
          200, send(layer, "reg", get(registry, "/v2/team/app/manifests/b", Map.of())).status());
      assertEquals(4, registry.seen().size(), "401, token, 200; then 200 with the token up front");
      assertEquals(1, tokenRequests(registry).size());
      assertEquals("Bearer t1", registry.seen().get(3).header("Authorization"));
    }
  }

  @Test
  void tokenRequestsNeverCarryTheRegistrysAuthorization() throws Exception {
    try (RawHttpServer registry = bearerRegistry(auth -> auth.startsWith("Bearer "))) {
      Authenticating layer = authenticating(CredentialStore.none());
      send(layer, "reg", get(registry, "/v2/team/app/manifests/a", Map.of()));
      // Another repository, another scope: a second token request while "t1" is cached.
      HttpRequest other =
          new HttpRequest(
              "GET",
              java.net.URI.create("http://" + registry.host() + "/v2/team/web/manifests/a"),
              Map.of(),
              "team/web",
              1024);
      send(layer, "reg", other);
      List<RawHttpServer.Request> tokens = tokenRequests(registry);
      assertEquals(2, tokens.size());
      assertTrue(
          tokens.get(1).path().contains("repository%3Ateam%2Fweb%3Apull"), tokens.toString());
      tokens.forEach(t -> assertNull(t.header("Authorization"), t.toString()));
    }
  }

  @Test
  void aRefusedTokenIsForgottenAndTheChallengeAnsweredAfresh() throws Exception {
    AtomicInteger uses = new AtomicInteger();
    // The registry takes "t1" once (then it is revoked), and "t2" from then on.
    try (RawHttpServer registry =
        bearerRegistry(
            auth ->
                auth.equals("Bearer t2")
                    || auth.equals("Bearer t1") && uses.incrementAndGet() == 1)) {
      Authenticating layer = authenticating(CredentialStore.none());
      send(layer, "reg", get(registry, "/v2/team/app/manifests/a", Map.of()));
      HttpResponse r = send(layer, "reg", get(registry, "/v2/team/app/manifests/b", Map.of()));
      assertEquals(200, r.status());
      assertEquals(
          List.of("Bearer t1", "Bearer t2"),
          registry.seen().stream()
              .filter(s -> s.path().endsWith("/b"))
              .map(s -> s.header("Authorization"))
              .toList());
    }
  }

  @Test
  void aSecondRefusalAfterTheChallengeNamesTheCredentialButNeverTheSecret() throws Exception {
    try (RawHttpServer registry =
        new RawHttpServer(
            RawHttpServer.writing(
                r ->
                    answer(
                        "401 Unauthorized",
                        "WWW-Authenticate: Basic realm=\"reg\"",
                        "Content-Length: 0")))) {
      AccessRefusedException e =
          assertThrows(
              AccessRefusedException.class,
              () -> sendAsCi(get(registry, "/v2/team/app/manifests/a", Map.of())));
      assertEquals(
          "registry reg refused user 'ci' from --password (401): check the username and password",
          e.getMessage());
      assertFalse(e.getMessage().contains("s3cret"));
      assertEquals(2, registry.seen().size(), "challenged once, answered once, refused");
      assertNull(registry.seen().get(0).header("Authorization"));
      assertTrue(registry.seen().get(1).header("Authorization").startsWith("Basic "));
    }
  }

  @Test
  void aForbiddenWriteSaysItNeedsPushRights() throws Exception {
    try (RawHttpServer registry =
        new RawHttpServer(
            RawHttpServer.writing(
                r -> withBody("403 Forbidden", "{\"errors\":[{\"code\":\"DENIED\"}]}")))) {
      AccessRefusedException e =
          assertThrows(
              AccessRefusedException.class,
              () -> sendAsCi(get(registry, "/v2/team/app/blobs/uploads/", Map.of()).forPush()));
      assertEquals(
          "registry reg denied user 'ci' from --password access to team/app (403 DENIED): the"
              + " credential needs push rights on that repository (token scope"
              + " repository:team/app:pull,push)",
          e.getMessage());
      assertTrue(e.write());
    }
  }

  @Test
  void aRegistrys401WithoutAChallengeIsTheCallersToJudgeAndNeverRetried() throws Exception {
    try (RawHttpServer registry =
        new RawHttpServer(
            RawHttpServer.writing(r -> answer("401 Unauthorized", "Content-Length: 10") + "ab"))) {
      HttpResponse r = sendAsCi(get(registry, "/v2/team/app/referrers/sha256:x", Map.of()));
      assertEquals(401, r.status());
      assertTrue(r.bodyError().isPresent(), "a broken body, and still no retry");
      assertEquals(1, registry.seen().size());
    }
  }

  @Test
  void aRedirectedHostsChallengeIsNotTheRegistrysToAnswer() throws Exception {
    try (RawHttpServer storage =
            new RawHttpServer(
                RawHttpServer.writing(
                    r ->
                        answer(
                            "401 Unauthorized",
                            "WWW-Authenticate: Basic realm=\"storage\"",
                            "Content-Length: 0")));
        RawHttpServer registry = Loopback.redirectingTo(storage, "/blob")) {
      HttpResponse r = sendAsCi(get(registry, "/v2/team/app/blobs/sha256:x", Map.of()));
      assertEquals(401, r.status());
      assertEquals(1, storage.seen().size());
      assertNull(storage.seen().get(0).header("Authorization"));
    }
  }
}
