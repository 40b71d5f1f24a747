package dev.registryintegrity.registry.transport;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The one HTTP layer: connection reuse, timeouts, authentication challenges, retries and redirects.
 * Code above it asks for a path in a repository and never sees a token.
 *
 * <p>Redirects are followed here rather than by HttpClient, because HttpClient copies the original
 * request's headers onto the redirected one, and an Authorization header sent on to S3 or a CDN is
 * refused there (and leaks the credential to another host).
 */
public final class RegistryTransport implements AutoCloseable {
  /** Error answers are JSON of a few hundred bytes; more than this of one is not read. */
  public static final int ERROR_BODY_LIMIT = 64 * 1024;

  private final Authenticator auth;
  private final Spelling spelling;
  private final Retries retries;
  private final ClassicWire wire;
  private final ExchangeGuard guard;
  private final Throttle throttle;
  private final Redirects redirects;
  private final FailureMessages messages;

  public RegistryTransport(TransportSettings settings, Clock clock, Sleeper sleeper) {
    this(settings, clock, sleeper, Deadline.none());
  }

  /**
   * @param deadline when it passes, exchanges in flight are aborted and nothing more is sent, so a
   *     registry that answers slowly cannot stretch the run past {@code --timeout}
   */
  public RegistryTransport(
      TransportSettings settings, Clock clock, Sleeper sleeper, Deadline deadline) {
    this.auth = new Authenticator(settings.credentials(), settings.spelling(), clock);
    this.spelling = settings.spelling();
    this.messages = new FailureMessages(settings.spelling());
    this.retries = new Retries(settings.retry(), sleeper, clock, deadline);
    // A buffered answer is at most a few MiB; one that takes longer than this in all is dripping.
    // plus, not multipliedBy: the latter goes through BigDecimal, 10 ms of cold start-up.
    Duration doubled = settings.readTimeout().plus(settings.readTimeout());
    this.wire = new ClassicWire(settings);
    this.guard =
        new ExchangeGuard(
            deadline,
            doubled.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : doubled,
            wire);
    this.throttle = new Throttle(settings.rateLimiter(), guard);
    this.redirects = new Redirects(throttle, settings.requestLog());
  }

  /** Same scheme, host and port: where a registry's credential may be sent. */
  public static boolean sameOrigin(URI a, URI b) {
    return Redirects.sameOrigin(a, b);
  }

  /** How the user names the inputs messages point to. */
  public Spelling spelling() {
    return spelling;
  }

  /** HTTP answers received so far, retries, redirects and token requests included. */
  public long requestCount() {
    return throttle.answers();
  }

  /**
   * Sends {@code request} to {@code registry}, answering its authentication challenge and retrying
   * transient failures. Returns every definitive answer (404 included); throws {@link
   * CannotCheckException} when no answer could be had or the credential was refused.
   */
  public HttpResponse send(String registry, HttpRequest request) {
    return send(registry, request, true);
  }

  /**
   * Sends {@code request} to a server that is not a registry (an external layer's URL): retried,
   * redirected and bounded like any request, never given any registry's credentials.
   */
  public HttpResponse sendAnonymous(String host, HttpRequest request) {
    return send(host, request, false);
  }

  /**
   * @param authenticate false for token requests: retried and redirected like any request, but
   *     never given the registry's Authorization nor answered with a challenge round
   */
  private HttpResponse send(String registry, HttpRequest request, boolean authenticate) {
    Optional<String> authorization =
        authenticate
            ? auth.known(registry, request.repository(), request.actions())
            : Optional.empty();
    boolean challenged = !authenticate;
    boolean bodyRetried = false;
    int attempt = 0;
    while (true) {
      HttpResponse response;
      try {
        response =
            redirects.send(
                authorization.map(a -> request.withHeader("Authorization", a)).orElse(request));
      } catch (IOException e) {
        if (attempt < retries.retries() && Retries.transient_(e) && request.resendable()) {
          attempt++;
          retries.backOff(attempt, registry);
          continue;
        }
        throw new CannotCheckException(messages.describe(registry, request.uri(), e, attempt), e);
      }
      boolean fromRegistry = authenticate && Redirects.sameOrigin(response.uri(), request.uri());
      Optional<Challenge> offered =
          response.status() == 401
              ? Challenge.parse(response.header("www-authenticate").orElse(null))
              : Optional.empty();
      if (response.status() == 401 && fromRegistry && offered.isEmpty()) {
        // No challenge: nothing a credential can answer. Registries say this for endpoints they
        // lack (the referrers API) as well as for refusals, so the caller decides what it means.
        return response;
      }
      if (response.status() == 401 && fromRegistry && !challenged) {
        Challenge challenge = offered.get();
        if (authorization.isPresent()) {
          auth.forget(registry);
        }
        authorization =
            Optional.of(
                auth.answer(
                    registry,
                    request.repository(),
                    request.actions(),
                    challenge,
                    tokenRequest -> send(registry, tokenRequest, false)));
        challenged = true;
        continue;
      }
      if (response.status() == 401 && fromRegistry) {
        throw messages.unauthorized(registry, auth.describeCredential(registry), request, response);
      }
      if (response.status() == 403 && fromRegistry) {
        throw messages.forbidden(registry, auth.describeCredential(registry), request, response);
      }
      if (response.bodyError().isPresent() && !bodyRetried && retries.retries() > 0) {
        // Once: a network blip recovers, a registry that lost the data breaks off again.
        bodyRetried = true;
        retries.backOff(1, registry);
        continue;
      }
      if (RetryPolicy.retryable(response.status())
          && attempt < retries.retries()
          && request.resendable()) {
        attempt++;
        Optional<Duration> asked = retries.retryAfter(response);
        if (asked.isPresent()) {
          // The server said when: wait that long, no less, and no jitter below it.
          retries.sleep(asked.get(), registry);
        } else {
          retries.backOff(attempt, registry);
        }
        continue;
      }
      return response;
    }
  }

  @Override
  public void close() {
    wire.close();
    guard.close();
  }
}
