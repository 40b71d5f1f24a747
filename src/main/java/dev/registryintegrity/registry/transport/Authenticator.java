package dev.registryintegrity.registry.transport;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.credentials.CredentialStore;
import dev.registryintegrity.registry.credentials.Credentials;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers registry challenges: Basic with the stored credential, Bearer by fetching a token from
 * the challenge's realm (Docker registry token spec), cached per registry and scope until shortly
 * before it expires. The only class that ever holds a secret in a header.
 */
final class Authenticator {
  /** The token spec's default lifetime when the issuer does not say (60 s). */
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  private final CredentialStore credentials;
  private final Spelling spelling;
  private final Clock clock;
  private final Map<String, String> basicByRegistry = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, Challenge> bearerByRegistry = new ConcurrentHashMap<>();

  Authenticator(CredentialStore credentials, Spelling spelling, Clock clock) {
    this.credentials = credentials;
    this.spelling = spelling;
    this.clock = clock;
  }

  /** The Authorization header to send up front, when an earlier challenge taught us one. */
  Optional<String> known(String registry, String repository, String actions) {
    String basic = basicByRegistry.get(registry);
    if (basic != null) {
      return Optional.of(basic);
    }
    Challenge bearer = bearerByRegistry.get(registry);
    if (bearer == null) {
      return Optional.empty();
    }
    Token token = tokens.get(tokenKey(registry, scopeFor(bearer, repository, actions)));
    return token != null && token.validAt(clock.instant())
        ? Optional.of("Bearer " + token.value())
        : Optional.empty();
  }

  /**
   * Works out the Authorization header that answers {@code challenge}, or throws {@link
   * CannotCheckException} saying which registry wants what.
   *
   * @param send performs the token request (through the transport, so it is retried too)
   */
  String answer(
      String registry,
      String repository,
      String actions,
      Challenge challenge,
      Function<HttpRequest, HttpResponse> send) {
    Optional<Credentials> credential = credentials.find(registry);
    if (challenge.isBasic()) {
      Credentials c =
          credential.orElseThrow(
              () ->
                  new CannotCheckException(
                      "registry "
                          + registry
                          + " requires authentication: pass "
                          + spelling.credentials()));
      String header = basic(c);
      basicByRegistry.put(registry, header);
      return header;
    }
    if (!challenge.isBearer()) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " asks for '"
              + challenge.scheme()
              + "' authentication, which is not supported: use a registry token or basic auth");
    }
    bearerByRegistry.put(registry, challenge);
    String scope = scopeFor(challenge, repository, actions);
    String key = tokenKey(registry, scope);
    Token cached = tokens.get(key);
    if (cached != null && cached.validAt(clock.instant())) {
      return "Bearer " + cached.value();
    }
    Token token = fetchToken(registry, challenge, scope, credential, send);
    tokens.put(key, token);
    return "Bearer " + token.value();
  }

  /** Forget what a refused answer taught us, so the next attempt starts clean. */
  void forget(String registry) {
    basicByRegistry.remove(registry);
    tokens.keySet().removeIf(k -> k.startsWith(registry + "|"));
  }

  String describeCredential(String registry) {
    return credentials
        .find(registry)
        .map(c -> "user '" + c.username() + "' from " + c.source())
        .orElse("no credentials (anonymous)");
  }

  private Token fetchToken(
      String registry,
      Challenge challenge,
      String scope,
      Optional<Credentials> credential,
      Function<HttpRequest, HttpResponse> send) {
    String realm =
        challenge
            .param("realm")
            .orElseThrow(
                () ->
                    new CannotCheckException(
                        "registry "
                            + registry
                            + " sent a Bearer challenge without a realm: it is misconfigured"));
    StringBuilder query = new StringBuilder();
    challenge.param("service").ifPresent(s -> query.append("service=").append(encode(s)));
    if (!scope.isEmpty()) {
      query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(scope));
    }
    URI uri;
    try {
      uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
    } catch (IllegalArgumentException e) {
      throw new CannotCheckException(
          "registry " + registry + " sent an unusable token realm '" + realm + "'");
    }
    Map<String, String> headers =
        credential.map(c -> Map.of("Authorization", basic(c))).orElse(Map.of());
    HttpResponse response = send.apply(new HttpRequest("GET", uri, headers, "", 64 * 1024));
    if (response.status() == 401 || response.status() == 403) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " token service refused "
              + describeCredential(registry)
              + " ("
              + response.status()
              + "): check the username and password");
    }
    if (response.status() != 200) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " token service at "
              + uri.getHost()
              + " answered "
              + response.status());
    }
    TokenBody body = TokenBody.parse(response.body());
    String value = body.token().filter(t -> !t.isEmpty()).or(body::accessToken).orElse("");
    if (value.isEmpty()) {
      throw new CannotCheckException(
          "registry " + registry + " token service answered without a token: it is misconfigured");
    }
    Duration lifetime =
        body.expiresIn().filter(s -> s > 0).map(Duration::ofSeconds).orElse(DEFAULT_TOKEN_LIFETIME);
    // Renew a little early so a token does not expire between being chosen and being checked.
    Instant expiry = clock.instant().plus(lifetime).minusSeconds(lifetime.toSeconds() / 10);
    return new Token(value, expiry);
  }

  private static String scopeFor(Challenge challenge, String repository, String actions) {
    if (repository == null || repository.isEmpty()) {
      return challenge.param("scope").orElse("");
    }
    return "repository:" + repository + ":" + actions;
  }

  private static String tokenKey(String registry, String scope) {
    return registry + "|" + scope;
  }

  private static String basic(Credentials c) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private record Token(String value, Instant expiry) {
    boolean validAt(Instant now) {
      return now.isBefore(expiry);
    }

    @Override
    public String toString() {
      return "Token[expiry=" + expiry + "]";
    }
  }

  /**
   * The token service's answer, read as a tree: a reflective binding would build all of Gson's type
   * adapters on every start for an answer of three fields.
   */
  private record TokenBody(
      Optional<String> token, Optional<String> accessToken, Optional<Long> expiresIn) {
    static TokenBody parse(byte[] body) {
      JsonObject o;
      try {
        JsonElement root = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        o = root.isJsonObject() ? root.getAsJsonObject() : new JsonObject();
      } catch (JsonParseException e) {
        o = new JsonObject();
      }
      return new TokenBody(string(o, "token"), string(o, "access_token"), whole(o, "expires_in"));
    }

    private static Optional<String> string(JsonObject o, String field) {
      JsonElement e = o.get(field);
      return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
          ? Optional.of(e.getAsString())
          : Optional.empty();
    }

    private static Optional<Long> whole(JsonObject o, String field) {
      JsonElement e = o.get(field);
      if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        return Optional.empty();
      }
      try {
        // Capped: a lifetime of centuries is no different from a day here, and no overflow.
        return Optional.of(Math.min(Long.parseLong(e.getAsString()), 86_400L));
      } catch (NumberFormatException notWhole) {
        return Optional.empty();
      }
    }
  }
}
