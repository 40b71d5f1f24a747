package dev.registryintegrity.registry.transport;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Spelling;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.Timeout;

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

  private final CloseableHttpClient client;
  private final PoolingHttpClientConnectionManager pool;
  private final Authenticator auth;
  private final Spelling spelling;
  private final Retries retries;
  private final AtomicLong requests = new AtomicLong();
  private final RateLimiter rateLimiter;
  private final ExchangeGuard guard;
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
    this.pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(settings.maxConnections())
            .setMaxConnPerRoute(settings.maxConnections())
            .setTlsSocketStrategy(lazyTls(settings.tls()))
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                    .setSocketTimeout(Timeout.of(settings.readTimeout()))
                    .build())
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setRoutePlanner(settings.proxies().routePlanner())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent("registry-integrity")
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(Timeout.of(settings.readTimeout()))
                    .build())
            .build();
    this.auth = new Authenticator(settings.credentials(), settings.spelling(), clock);
    this.spelling = settings.spelling();
    this.messages = new FailureMessages(settings.spelling());
    this.retries = new Retries(settings.retry(), sleeper, clock, deadline);
    this.rateLimiter = settings.rateLimiter();
    // A buffered answer is at most a few MiB; one that takes longer than this in all is dripping.
    // plus, not multipliedBy: the latter goes through BigDecimal, 10 ms of cold start-up.
    Duration doubled = settings.readTimeout().plus(settings.readTimeout());
    this.guard =
        new ExchangeGuard(
            deadline,
            doubled.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : doubled);
    this.redirects = new Redirects(this::hop, settings.requestLog());
  }

  /** One hop of an exchange: the request rate, the guard, the answer counted. */
  private HttpResponse hop(HttpUriRequestBase message, URI uri, HttpRequest request)
      throws IOException {
    try {
      rateLimiter.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the request rate limit", e);
    }
    HttpResponse response = guard.guarded(message, uri, request, this::execute);
    requests.incrementAndGet();
    return response;
  }

  /**
   * The TLS strategy, built on the first TLS connection: building it loads and parses the trust
   * store (about 150 certificates), which a run against a plain-HTTP registry never needs.
   */
  private static TlsSocketStrategy lazyTls(TlsSettings tls) {
    java.util.concurrent.atomic.AtomicReference<TlsSocketStrategy> built =
        new java.util.concurrent.atomic.AtomicReference<>();
    return (socket, target, port, attachment, context) -> {
      TlsSocketStrategy strategy;
      try {
        strategy =
            built.updateAndGet(
                existing ->
                    existing != null
                        ? existing
                        : tls.insecure()
                            ? new DefaultClientTlsStrategy(
                                tls.sslContext(),
                                HostnameVerificationPolicy.CLIENT,
                                NoopHostnameVerifier.INSTANCE)
                            : new DefaultClientTlsStrategy(tls.sslContext()));
      } catch (IllegalStateException e) {
        // A request failure with its reason, like any other TLS failure.
        throw new javax.net.ssl.SSLException(e.getMessage(), e);
      }
      return strategy.upgrade(socket, target, port, attachment, context);
    };
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
    return requests.get();
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
        response = redirects.follow(request, authorization);
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

  private HttpResponse execute(HttpUriRequestBase message, URI uri, HttpRequest request)
      throws IOException {
    ClassicHttpResponse response;
    try {
      response = client.executeOpen(RoutingSupport.determineHost(message), message, null);
    } catch (HttpException e) {
      throw new IOException("protocol error: " + e.getMessage(), e);
    }
    try {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (Header h : response.getHeaders()) {
        headers
            .computeIfAbsent(h.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(h.getValue());
      }
      HttpEntity entity = response.getEntity();
      String encoding =
          headers
              .getOrDefault("content-encoding", List.of("identity"))
              .get(0)
              .trim()
              .toLowerCase(Locale.ROOT);
      BodyReader.Body body =
          entity == null
              ? BodyReader.Body.EMPTY
              : BodyReader.read(entity, message, request, response.getCode(), encoding);
      List<String> notes =
          encoding.equals("identity") || encoding.isEmpty()
              ? List.of()
              : List.of(
                  "the registry sent a "
                      + encoding
                          .replaceAll("[^a-z0-9.+-]", "?")
                          .substring(0, Math.min(20, encoding.length()))
                      + "-encoded answer though asked for identity"
                      + (BodyReader.decodable(encoding) ? "; decoded" : "; read as sent"));
      return new HttpResponse(
          response.getCode(),
          headers,
          body.kept(),
          body.truncated(),
          uri,
          notes,
          body.length(),
          body.digest(),
          body.error());
    } finally {
      closeQuietly(response);
    }
  }

  /** The answer is in hand; a connection that breaks while being released changes nothing. */
  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException e) {
      // the connection is discarded either way
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // Closing idle connections of a finished run: nothing to report.
    }
    pool.close();
    guard.close();
  }
}
