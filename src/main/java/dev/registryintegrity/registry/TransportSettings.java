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
    CredentialStore credentials) {

  public static TransportSettings defaults() {
    return new TransportSettings(
        Duration.ofSeconds(10), Duration.ofSeconds(30), 16, RetryPolicy.defaults(), CredentialStore.none());
  }

  public TransportSettings withCredentials(CredentialStore store) {
    return new TransportSettings(connectTimeout, readTimeout, maxConnections, retry, store);
  }

  public TransportSettings withRetry(RetryPolicy policy) {
    return new TransportSettings(connectTimeout, readTimeout, maxConnections, policy, credentials);
  }

  public TransportSettings withTimeouts(Duration connect, Duration read) {
    return new TransportSettings(connect, read, maxConnections, retry, credentials);
  }

  public TransportSettings withMaxConnections(int connections) {
    return new TransportSettings(connectTimeout, readTimeout, connections, retry, credentials);
  }
}
