package dev.registryintegrity.registry.transport;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;

/**
 * The TLS set-up both wires share, built once, when a run sets TLS up ahead or on its first TLS
 * connection: building it loads and parses the trust store (about 150 certificates, plus {@code
 * --ca-cert}), which a run against a plain-HTTP registry never needs and a TLS run needs once,
 * whichever protocol it speaks.
 */
final class SharedTls {
  private final TlsSettings settings;
  private DefaultClientTlsStrategy built;
  private final AtomicBoolean used = new AtomicBoolean();

  SharedTls(TlsSettings settings) {
    this.settings = settings;
  }

  private synchronized DefaultClientTlsStrategy strategy() throws SSLException {
    if (built == null) {
      try {
        built =
            settings.insecure()
                ? new DefaultClientTlsStrategy(
                    settings.sslContext(),
                    HostnameVerificationPolicy.CLIENT,
                    NoopHostnameVerifier.INSTANCE)
                : new DefaultClientTlsStrategy(settings.sslContext());
      } catch (IllegalStateException e) {
        // A request failure with its reason, like any other TLS failure.
        throw new SSLException(e.getMessage(), e);
      }
    }
    return built;
  }

  /**
   * Says that a request of this run goes over TLS. The launcher (bin/registry-integrity) names a
   * file to create then, so that a start-up cache recorded without TLS is recorded again by a run
   * that covers it; a set-up made ahead for a registry that then answers plain HTTP does not count.
   */
  void used() {
    if (used.compareAndSet(false, true)) {
      tellTheLauncher();
    }
  }

  private static void tellTheLauncher() {
    String marker = System.getProperty("registry-integrity.tls-used");
    if (marker != null && !marker.isEmpty()) {
      try {
        java.nio.file.Files.write(java.nio.file.Path.of(marker), new byte[0]);
      } catch (java.io.IOException | RuntimeException e) {
        // Only the start-up cache's coverage depends on it, never the run.
      }
    }
  }

  /**
   * Makes one key pair on each curve a TLS 1.3 client hello offers a share on (X25519 and P-256),
   * to be thrown away. In a new JVM the first P-256 key pair builds the curve's table of multiples
   * of its generator, 50-100 ms of interpreted arithmetic, and the JDK makes it once per JVM: done
   * on a thread of its own while the run starts, it is off the path of the first handshake, which
   * otherwise pays it between connecting and sending its hello.
   */
  static void warmCurves() {
    try {
      KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
      p256.initialize(new ECGenParameterSpec("secp256r1"));
      p256.generateKeyPair();
      KeyPairGenerator.getInstance("X25519").generateKeyPair();
    } catch (GeneralSecurityException | RuntimeException e) {
      // A JVM without these curves (a FIPS provider) negotiates others; nothing to warm.
    }
  }

  /** For HTTP/1.1 connections: a socket upgraded to TLS, no ALPN asked. */
  TlsSocketStrategy forSockets() {
    return (socket, target, port, attachment, context) ->
        strategy().upgrade(socket, target, port, attachment, context);
  }

  /**
   * For the HTTP/2 client, built when that client starts (set up ahead, or on the first HTTPS
   * request). Given no TlsConfig, HttpClient's strategy offers h2 and http/1.1 in ALPN, so a server
   * without HTTP/2 completes the handshake choosing http/1.1 rather than refusing it, and the
   * client's protocol check then fails the exchange for the wire to send it over HTTP/1.1 instead.
   */
  TlsStrategy forHttp2() throws SSLException {
    return strategy();
  }
}
