package dev.registryintegrity.registry.transport;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The one way to a registry over HTTP. Code above it asks for a path in a repository and never sees
 * a token. Composed of layers that each know one thing, outermost first: {@link Retrying} (when to
 * send again), {@link Authenticating} (credentials and challenges), {@link Redirects} (where the
 * credential may go), {@link Throttle} (request rate, answers counted), {@link ExchangeGuard}
 * (deadline and budgets), over the {@link Wire}: {@link ProtocolChoice} sends each request on
 * {@link Http2Wire} (HTTP/2 over TLS, one connection per registry) or {@link ClassicWire}
 * (HTTP/1.1), and {@link BodyReader} reads every answer.
 */
public final class RegistryTransport implements AutoCloseable {
  /** Error answers are JSON of a few hundred bytes; more than this of one is not read. */
  public static final int ERROR_BODY_LIMIT = 64 * 1024;

  private final Spelling spelling;
  private final ProtocolChoice wire;
  private final ExchangeGuard guard;
  private final Throttle throttle;
  private final Redirects redirects;
  private final Authenticating authenticating;
  private final Retrying retrying;
  private final boolean trustsExtraCas;

  public RegistryTransport(TransportSettings settings, Clock clock, Sleeper sleeper) {
    this(settings, clock, sleeper, Deadline.none());
  }

  /**
   * @param deadline when it passes, exchanges in flight are aborted and nothing more is sent, so a
   *     registry that answers slowly cannot stretch the run past {@code --timeout}
   */
  public RegistryTransport(
      TransportSettings settings, Clock clock, Sleeper sleeper, Deadline deadline) {
    this.spelling = settings.spelling();
    this.trustsExtraCas = !settings.tls().extraCas().isEmpty();
    // A buffered answer is at most a few MiB; one that takes longer than this in all is dripping.
    // plus, not multipliedBy: the latter goes through BigDecimal, 10 ms of cold start-up.
    Duration doubled = settings.readTimeout().plus(settings.readTimeout());
    this.wire = new ProtocolChoice(settings);
    this.guard =
        new ExchangeGuard(
            deadline,
            doubled.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : doubled,
            wire);
    this.throttle = new Throttle(settings.rateLimiter(), guard);
    this.redirects = new Redirects(throttle, settings.requestLog());
    FailureMessages messages = new FailureMessages(settings.spelling());
    this.authenticating =
        new Authenticating(
            new Authenticator(settings.credentials(), settings.spelling(), clock),
            messages,
            redirects);
    this.retrying = new Retrying(new Retries(settings.retry(), sleeper, clock, deadline), messages);
  }

  /**
   * Starts setting up TLS for the registry at {@code base} in the background (the curves' first key
   * pairs, the trust material, the HTTP/2 client), so that the first request does not wait for all
   * of it in line. Once per transport; nothing is sent.
   */
  public void prepareTls(URI base) {
    wire.prepareTls(base);
  }

  /** Whether CA certificates were given (--ca-cert, ca_cert): the user expects TLS. */
  public boolean trustsExtraCas() {
    return trustsExtraCas;
  }

  /** Same scheme, host and port: where a registry's credential may be sent. */
  public static boolean sameOrigin(URI a, URI b) {
    return Redirects.sameOrigin(a, b);
  }

  /** How the user names the inputs messages point to. */
  public Spelling spelling() {
    return spelling;
  }

  /**
   * Why the registry at {@code base}, though HTTPS, is spoken to over HTTP/1.1 (it did not offer
   * HTTP/2, or broke it), once that is known.
   */
  public Optional<String> http1Reason(URI base) {
    return wire.http1Reason(base);
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
    Exchange attempt =
        authenticate
            ? authenticating.forRequest(registry, token -> send(registry, token, false))
            : redirects;
    return retrying.send(registry, request, attempt);
  }

  @Override
  public void close() {
    wire.close();
    guard.close();
  }
}
