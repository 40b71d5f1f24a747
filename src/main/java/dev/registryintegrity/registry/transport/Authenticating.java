package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.function.Function;

/**
 * The authentication layer: a request goes out with the credential an earlier challenge taught (a
 * cached token or basic credential), the registry's 401 challenge is answered once, and its refusal
 * (401 again, or 403) ends the request with an {@link AccessRefusedException} that says what the
 * credential lacks. Only answers from the request's own origin count: a redirected host's 401 is
 * not the registry's to answer. The credentials and tokens themselves are {@link Authenticator}'s.
 */
final class Authenticating {
  private final Authenticator auth;
  private final FailureMessages messages;
  private final Exchange next;

  /**
   * @param next sends the request as this layer prepared it (the redirects)
   */
  Authenticating(Authenticator auth, FailureMessages messages, Exchange next) {
    this.auth = auth;
    this.messages = messages;
    this.next = next;
  }

  /**
   * This layer for one request to {@code registry}. What it learns while sending (the credential it
   * settled on, that the challenge was answered) holds for every retry of that request, so a retry
   * is never challenged twice, and never beyond it.
   *
   * @param tokens sends a token request: through a chain without this layer, so the registry's
   *     Authorization never goes with it
   */
  Exchange forRequest(String registry, Function<HttpRequest, HttpResponse> tokens) {
    return new Session(registry, tokens);
  }

  private final class Session implements Exchange {
    private final String registry;
    private final Function<HttpRequest, HttpResponse> tokens;
    private Optional<String> authorization;
    private URI origin;
    private boolean challenged;

    Session(String registry, Function<HttpRequest, HttpResponse> tokens) {
      this.registry = registry;
      this.tokens = tokens;
    }

    @Override
    public HttpResponse send(HttpRequest request) throws IOException {
      if (authorization == null) {
        authorization = auth.known(registry, request.repository(), request.actions());
        origin = request.uri();
      }
      while (true) {
        Optional<String> header = authorization;
        HttpResponse response =
            next.send(header.map(a -> request.withHeader("Authorization", a)).orElse(request));
        if (!Redirects.sameOrigin(response.uri(), origin)) {
          return response;
        }
        if (response.status() == 401) {
          Optional<Challenge> offered = challenge(response);
          if (offered.isEmpty()) {
            return response;
          }
          if (challenged) {
            throw messages.unauthorized(
                registry, auth.describeCredential(registry), request, response);
          }
          if (authorization.isPresent()) {
            auth.forget(registry);
          }
          authorization =
              Optional.of(
                  auth.answer(
                      registry, request.repository(), request.actions(), offered.get(), tokens));
          challenged = true;
          continue;
        }
        if (response.status() == 403) {
          throw messages.forbidden(registry, auth.describeCredential(registry), request, response);
        }
        return response;
      }
    }

    /**
     * No challenge: nothing a credential can answer. Registries say this for endpoints they lack
     * (the referrers API) as well as for refusals, so the caller decides what it means.
     */
    @Override
    public boolean settled(HttpResponse answer) {
      return answer.status() == 401
          && origin != null
          && Redirects.sameOrigin(answer.uri(), origin)
          && challenge(answer).isEmpty();
    }

    private static Optional<Challenge> challenge(HttpResponse response) {
      return Challenge.parse(response.header("www-authenticate").orElse(null));
    }
  }
}
