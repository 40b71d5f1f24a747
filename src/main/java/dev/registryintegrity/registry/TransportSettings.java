package dev.registryintegrity.registry;

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
    TlsSettings tls) {

  public static TransportSettings defaults() {
    return new TransportSettings(
        Duration.ofSeconds(10), Duration.ofSeconds(30), 16, RetryPolicy.defaults(), CredentialStore.none(),
        TlsSettings.defaults());
  }

  public TransportSettings withTls(TlsSettings settings) {
    return new TransportSettings(connectTimeout, readTimeout, maxConnections, retry, credentials, settings);
  }

  public TransportSettings withCredentials(CredentialStore store) {
    return new TransportSettings(connectTimeout, readTimeout, maxConnections, retry, store, tls);
  }

  public TransportSettings withRetry(RetryPolicy policy) {
    return new TransportSettings(connectTimeout, readTimeout, maxConnections, policy, credentials, tls);
  }

  public TransportSettings withTimeouts(Duration connect, Duration read) {
    return new TransportSettings(connect, read, maxConnections, retry, credentials, tls);
  }

  public TransportSettings withMaxConnections(int connections) {
    return new TransportSettings(connectTimeout, readTimeout, connections, retry, credentials, tls);
  }
}
