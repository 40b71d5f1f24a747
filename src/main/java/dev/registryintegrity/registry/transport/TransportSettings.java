package dev.registryintegrity.registry.transport;

import dev.registryintegrity.registry.credentials.CredentialStore;
import java.time.Duration;

/**
 * How the transport talks: timeouts, retries, credentials, connection pool size.
 *
 * @param readTimeout the longest silence tolerated while waiting for an answer
 */
public record TransportSettings(
    Duration connectTimeout,
    Duration readTimeout,
    int maxConnections,
    RetryPolicy retry,
    CredentialStore credentials,
    TlsSettings tls,
    ProxySelection proxies,
    java.util.function.Consumer<String> requestLog,
    RateLimiter rateLimiter) {

  public static TransportSettings defaults() {
    return new TransportSettings(
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        16,
        RetryPolicy.defaults(),
        CredentialStore.none(),
        TlsSettings.defaults(),
        ProxySelection.none(),
        line -> {},
        RateLimiter.unlimited());
  }

  public TransportSettings withRateLimiter(RateLimiter limiter) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        maxConnections,
        retry,
        credentials,
        tls,
        proxies,
        requestLog,
        limiter);
  }

  /** Where one line per HTTP exchange goes (debug output); never given headers. */
  public TransportSettings withRequestLog(java.util.function.Consumer<String> sink) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        maxConnections,
        retry,
        credentials,
        tls,
        proxies,
        sink,
        rateLimiter);
  }

  public TransportSettings withProxies(ProxySelection selection) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        maxConnections,
        retry,
        credentials,
        tls,
        selection,
        requestLog,
        rateLimiter);
  }

  public TransportSettings withTls(TlsSettings settings) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        maxConnections,
        retry,
        credentials,
        settings,
        proxies,
        requestLog,
        rateLimiter);
  }

  public TransportSettings withCredentials(CredentialStore store) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        maxConnections,
        retry,
        store,
        tls,
        proxies,
        requestLog,
        rateLimiter);
  }

  public TransportSettings withRetry(RetryPolicy policy) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        maxConnections,
        policy,
        credentials,
        tls,
        proxies,
        requestLog,
        rateLimiter);
  }

  public TransportSettings withTimeouts(Duration connect, Duration read) {
    return new TransportSettings(
        connect, read, maxConnections, retry, credentials, tls, proxies, requestLog, rateLimiter);
  }

  public TransportSettings withMaxConnections(int connections) {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        connections,
        retry,
        credentials,
        tls,
        proxies,
        requestLog,
        rateLimiter);
  }
}
