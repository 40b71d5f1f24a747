package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
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
import org.apache.hc.core5.http.io.entity.EntityUtils;
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
  private static final int MAX_REDIRECTS = 5;

  /** Error answers are JSON of a few hundred bytes; more than this of one is not read. */
  public static final int ERROR_BODY_LIMIT = 64 * 1024;

  private final CloseableHttpClient client;
  private final PoolingHttpClientConnectionManager pool;
  private final Authenticator auth;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final AtomicLong requests = new AtomicLong();
  private final java.util.function.Consumer<String> log;
  private final RateLimiter rateLimiter;
  private final Deadline deadline;
  private final Duration requestBudget;

  /**
   * Cancels exchanges that outlive their budget or the run: a read timeout alone never trips on a
   * slow drip.
   */
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "registry-integrity-watchdog");
            t.setDaemon(true);
            return t;
          });

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
    this.auth = new Authenticator(settings.credentials(), clock);
    this.retry = settings.retry();
    this.sleeper = sleeper;
    this.log = settings.requestLog();
    this.rateLimiter = settings.rateLimiter();
    this.deadline = deadline;
    // A buffered answer is at most a few MiB; one that takes longer than this in all is dripping.
    // plus, not multipliedBy: the latter goes through BigDecimal, 10 ms of cold start-up.
    Duration doubled = settings.readTimeout().plus(settings.readTimeout());
    this.requestBudget =
        doubled.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : doubled;
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
        authenticate ? auth.known(registry, request.repository()) : Optional.empty();
    boolean challenged = !authenticate;
    boolean bodyRetried = false;
    int attempt = 0;
    while (true) {
      HttpResponse response;
      try {
        response = exchange(request, authorization);
      } catch (IOException e) {
        if (attempt < retry.retries() && transient_(e)) {
          attempt++;
          pause(retry.backoff(attempt), registry);
          continue;
        }
        throw new CannotCheckException(describe(registry, request.uri(), e, attempt), e);
      }
      boolean fromRegistry = authenticate && sameOrigin(response.uri(), request.uri());
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
                    challenge,
                    tokenRequest -> send(registry, tokenRequest, false)));
        challenged = true;
        continue;
      }
      if (response.status() == 401 && fromRegistry) {
        throw new AccessRefusedException(
            401,
            "registry "
                + registry
                + " refused "
                + auth.describeCredential(registry)
                + " (401"
                + errorCode(response)
                + "): check the username and password");
      }
      if (response.status() == 403 && fromRegistry) {
        throw new AccessRefusedException(
            403,
            "registry "
                + registry
                + " denied "
                + auth.describeCredential(registry)
                + " access to "
                + request.repository()
                + " (403"
                + errorCode(response)
                + "): the credential needs pull rights on that repository");
      }
      if (response.bodyError().isPresent() && !bodyRetried && retry.retries() > 0) {
        // Once: a network blip recovers, a registry that lost the data breaks off again.
        bodyRetried = true;
        pause(retry.backoff(1), registry);
        continue;
      }
      if (RetryPolicy.retryable(response.status()) && attempt < retry.retries()) {
        attempt++;
        Optional<Duration> asked = retryAfter(response);
        if (asked.isPresent()) {
          // The server said when: wait that long, no less, and no jitter below it.
          sleep(asked.get(), registry);
        } else {
          pause(retry.backoff(attempt), registry);
        }
        continue;
      }
      return response;
    }
  }

  private HttpResponse exchange(HttpRequest request, Optional<String> authorization)
      throws IOException {
    URI uri = request.uri();
    String method = request.method();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpUriRequestBase message = new HttpUriRequestBase(method, uri);
      // Digests are over the bytes as stored; ask for them as they are.
      message.setHeader("Accept-Encoding", "identity");
      request.headers().forEach(message::setHeader);
      if (authorization.isPresent() && sameOrigin(uri, request.uri())) {
        message.setHeader("Authorization", authorization.get());
      } else if (!sameOrigin(uri, request.uri())) {
        message.removeHeaders("Authorization");
      }
      try {
        rateLimiter.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the request rate limit", e);
      }
      long started = System.nanoTime();
      HttpResponse response = guarded(message, uri, request);
      requests.incrementAndGet();
      // Method, URL and status only: headers (Authorization among them) are never logged.
      log.accept(
          method
              + " "
              + uri
              + " -> "
              + response.status()
              + " ("
              + (System.nanoTime() - started) / 1_000_000
              + " ms)");
      Optional<String> location = response.header("location");
      if (isRedirect(response.status()) && location.isPresent()) {
        uri = uri.resolve(location.get().trim());
        if (response.status() == 303 && !method.equals("HEAD")) {
          method = "GET";
        }
        continue;
      }
      return response;
    }
    throw new RedirectLoop(
        "more than "
            + MAX_REDIRECTS
            + " redirects from "
            + request.uri().getPath()
            + " (a redirect loop): fix the registry's or its storage's redirect configuration");
  }

  /**
   * Runs one exchange under a watchdog that aborts it when the run's deadline passes or, for a
   * buffered answer, when it takes longer than {@link #requestBudget} in all. Streamed content
   * reads are bounded by the run's deadline only: a large layer may take long, legitimately.
   */
  private HttpResponse guarded(HttpUriRequestBase message, URI uri, HttpRequest request)
      throws IOException {
    if (deadline.passed()) {
      throw new CutOff(deadline.describe() + " passed first (raise --timeout)");
    }
    Duration runLeft = deadline.remaining();
    boolean runBound = request.hashing().isPresent() || runLeft.compareTo(requestBudget) <= 0;
    Duration budget = runBound ? runLeft : requestBudget;
    String reason =
        runBound
            ? deadline.describe() + " passed while waiting for the answer (raise --timeout)"
            : "the answer took longer than "
                + requestBudget.toSeconds()
                + " s in all (the registry sends too slowly)";
    java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
    ScheduledFuture<?> guard =
        watchdog.schedule(
            () -> {
              cut.set(true);
              message.cancel();
            },
            budget.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      HttpResponse response = execute(message, uri, request);
      if (cut.get()) {
        throw new CutOff(reason);
      }
      return response;
    } catch (IOException | RuntimeException e) {
      if (cut.get()) {
        throw new CutOff(reason);
      }
      throw e;
    } finally {
      guard.cancel(false);
    }
  }

  /** An exchange this transport aborted itself: never retried, never taken for lost data. */
  static final class CutOff extends IOException {
    private static final long serialVersionUID = 1L;

    CutOff(String reason) {
      super(reason);
    }
  }

  /** Redirects that never end: a misconfiguration, not a transient failure. */
  static final class RedirectLoop extends IOException {
    private static final long serialVersionUID = 1L;

    RedirectLoop(String message) {
      super(message);
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
      Body body =
          entity == null
              ? Body.EMPTY
              : readBody(entity, message, request, response.getCode(), encoding);
      List<String> notes =
          encoding.equals("identity") || encoding.isEmpty()
              ? List.of()
              : List.of(
                  "the registry sent a "
                      + encoding
                          .replaceAll("[^a-z0-9.+-]", "?")
                          .substring(0, Math.min(20, encoding.length()))
                      + "-encoded answer though asked for identity"
                      + (decodable(encoding) ? "; decoded" : "; read as sent"));
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

  /**
   * Reads what the request wants of a body. Once the headers are in, a body that breaks off (a
   * reset, fewer bytes than Content-Length) is part of the answer, not a failed exchange: a
   * registry whose storage lost a blob's data sends its headers and then nothing.
   */
  private static boolean decodable(String encoding) {
    return encoding.equals("gzip") || encoding.equals("x-gzip") || encoding.equals("deflate");
  }

  /**
   * The body as the client would see it: a gzip or deflate answer is inflated, and every limit
   * applies to the inflated bytes, so a compression bomb costs at most the limit.
   */
  private static InputStream decoded(InputStream raw, String encoding) throws IOException {
    return switch (encoding) {
      case "gzip", "x-gzip" -> new java.util.zip.GZIPInputStream(raw);
      case "deflate" -> new java.util.zip.InflaterInputStream(raw);
      default -> raw;
    };
  }

  private static Body readBody(
      HttpEntity entity,
      HttpUriRequestBase message,
      HttpRequest request,
      int status,
      String encoding) {
    byte[] kept = new byte[0];
    long length = 0;
    boolean truncated = false;
    boolean success = status >= 200 && status < 300;
    // An error answer is kept for its JSON error code, whatever the request wanted of a body.
    int maxKept = success ? request.maxBody() : Math.max(request.maxBody(), ERROR_BODY_LIMIT);
    java.security.MessageDigest hasher =
        success ? request.hashing().map(h -> h.expected().newHasher()).orElse(null) : null;
    try (InputStream in = decoded(entity.getContent(), encoding)) {
      if (hasher == null) {
        kept = in.readNBytes(maxKept + 1);
        length = kept.length;
        truncated = kept.length > maxKept;
        if (truncated) {
          kept = java.util.Arrays.copyOf(kept, maxKept);
        }
      } else {
        HttpRequest.Hashing hashing = request.hashing().get();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while (!truncated && (n = in.read(buffer)) > 0) {
          hasher.update(buffer, 0, n);
          length += n;
          hashing.progress().accept(n);
          truncated = length > hashing.maxBytes();
        }
      }
      if (truncated) {
        // Closing without reading on drops the connection instead of downloading the rest.
        message.cancel();
      } else {
        EntityUtils.consume(entity);
      }
    } catch (IOException e) {
      message.cancel();
      return new Body(
          kept,
          length,
          truncated,
          Optional.empty(),
          Optional.of(
              "the body broke off after "
                  + length
                  + " byte"
                  + (length == 1 ? "" : "s")
                  + " ("
                  + brief(e)
                  + ")"));
    }
    Optional<dev.registryintegrity.model.Digest> digest =
        hasher == null || truncated
            ? Optional.empty()
            : Optional.of(request.hashing().get().expected().finish(hasher));
    return new Body(kept, length, truncated, digest, Optional.empty());
  }

  /** Our words for why a body broke off; a library's message is not for the report. */
  private static String brief(IOException e) {
    if (e instanceof org.apache.hc.core5.http.ConnectionClosedException
        || e instanceof org.apache.hc.core5.http.MalformedChunkCodingException) {
      return "the server closed the connection early";
    }
    if (e instanceof SocketTimeoutException) {
      return "no data within the read timeout";
    }
    if (e instanceof java.net.SocketException) {
      return "the connection was reset";
    }
    return "read failed";
  }

  private record Body(
      byte[] kept,
      long length,
      boolean truncated,
      Optional<dev.registryintegrity.model.Digest> digest,
      Optional<String> error) {
    static final Body EMPTY = new Body(new byte[0], 0, false, Optional.empty(), Optional.empty());
  }

  private void pause(Duration delay, String registry) {
    // Jitter: many clients retrying together must not hit the registry in lockstep.
    long millis = delay.toMillis();
    sleep(
        Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1)),
        registry);
  }

  private void sleep(Duration delay, String registry) {
    if (delay.compareTo(deadline.remaining()) >= 0) {
      throw new CannotCheckException(
          "registry "
              + registry
              + ": "
              + deadline.describe()
              + " would pass before the next retry (raise --timeout)");
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotCheckException("interrupted while waiting to retry " + registry, e);
    }
  }

  private Optional<Duration> retryAfter(HttpResponse response) {
    Optional<String> value = response.header("retry-after");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(value.get().trim());
      return Optional.of(
          Duration.ofSeconds(Math.max(0, Math.min(seconds, retry.maxDelay().toSeconds()))));
    } catch (NumberFormatException e) {
      try {
        Duration until =
            Duration.between(
                java.time.Instant.now(),
                java.time.ZonedDateTime.parse(
                        value.get().trim(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        return Optional.of(
            until.isNegative()
                ? Duration.ZERO
                : until.compareTo(retry.maxDelay()) > 0 ? retry.maxDelay() : until);
      } catch (DateTimeParseException ignored) {
        return Optional.empty();
      }
    }
  }

  private static String errorCode(HttpResponse response) {
    return RegistryError.parse(response.body()).map(e -> " " + e.code()).orElse("");
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme())
        && Objects.equals(lower(a.getHost()), lower(b.getHost()))
        && port(a) == port(b);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /**
   * Worth another try: the network or the server may recover. A bad name, TLS, a redirect loop, a
   * malformed answer or our own cut-off will not.
   */
  private static boolean transient_(IOException e) {
    return !(e instanceof UnknownHostException)
        && !(e instanceof SSLException)
        && !(e instanceof CutOff)
        && !(e instanceof RedirectLoop)
        && !(e.getCause() instanceof HttpException);
  }

  private static String describe(String registry, URI uri, IOException e, int retries) {
    String after = retries > 0 ? " after " + (retries + 1) + " attempts" : "";
    if (e instanceof UnknownHostException) {
      return "cannot resolve registry host " + uri.getHost() + ": check the name and DNS";
    }
    if (e instanceof SSLHandshakeException) {
      return "TLS handshake with "
          + registry
          + " failed: "
          + e.getMessage()
          + " (use --ca-cert for a private CA, or --plain-http for a plain-HTTP registry)";
    }
    if (e instanceof SSLException) {
      return "TLS error talking to "
          + registry
          + ": "
          + e.getMessage()
          + " (a plain-HTTP registry needs --plain-http)";
    }
    if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      return "cannot connect to "
          + uri.getScheme()
          + "://"
          + uri.getAuthority()
          + after
          + ": "
          + (e instanceof ConnectException ? "connection refused" : e.getMessage())
          + " (is the registry running, and is the host and port right?)";
    }
    if (e instanceof SocketTimeoutException
        || e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
      return "registry "
          + registry
          + " did not answer in time"
          + after
          + (e instanceof SocketTimeoutException
              ? " (no data within the read timeout)"
              : " (connect timeout)");
    }
    if (e instanceof CutOff || e instanceof RedirectLoop) {
      return "registry " + registry + ": " + e.getMessage();
    }
    if (e instanceof org.apache.hc.core5.http.NoHttpResponseException) {
      return "registry " + registry + " closed the connection without answering" + after;
    }
    if (e.getCause() instanceof HttpException) {
      return "registry " + registry + " sent an answer that is not valid HTTP" + after;
    }
    return "request to " + registry + " failed" + after + " (" + e.getClass().getSimpleName() + ")";
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // Closing idle connections of a finished run: nothing to report.
    }
    pool.close();
    watchdog.shutdownNow();
  }
}
