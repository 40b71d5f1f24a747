package dev.registryintegrity.registry.transport;

import dev.registryintegrity.model.Spelling;
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
    RateLimiter rateLimiter,
    Spelling spelling) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  public static TransportSettings defaults() {
    return new TransportSettings(
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        16,
        RetryPolicy.defaults(),
        CredentialStore.none(),
        TlsSettings.defaults(),
        ProxySelection.none(),
        line -> {},
        RateLimiter.unlimited(),
        Spelling.CLI);
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
        limiter,
        spelling);
  }
}
