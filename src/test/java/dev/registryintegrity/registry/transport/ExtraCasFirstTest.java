package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.registryintegrity.fixture.TestPki;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** --ca-cert's trust: the extra CAs first, the JDK's store only for a chain they do not end. */
class ExtraCasFirstTest {
  private static final TestPki PKI = TestPki.create();
  private final AtomicInteger jdkReads = new AtomicInteger();

  private static javax.net.ssl.X509ExtendedTrustManager trusting(Path ca) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", PKI.certificate(ca));
    return TlsSettings.trustManager(anchors);
  }

  /** A stand-in for the JDK's store that trusts {@code ca} and counts how often it is read. */
  private TlsSettings.TrustSource jdkTrusting(Path ca) {
    return () -> {
      jdkReads.incrementAndGet();
      try {
        return trusting(ca);
      } catch (Exception e) {
        throw new java.security.GeneralSecurityException(e);
      }
    };
  }

  private static X509Certificate[] serverChain() {
    return new X509Certificate[] {PKI.certificate(PKI.serverCert), PKI.certificate(PKI.caCert)};
  }

  @Test
  void aChainEndingAtAnExtraCaIsTrustedWithoutReadingTheJdkStore() throws Exception {
    TlsSettings.ExtraCasFirst trust =
        new TlsSettings.ExtraCasFirst(trusting(PKI.caCert), jdkTrusting(PKI.tokenCert));
    trust.checkServerTrusted(serverChain(), "RSA");
    assertEquals(0, jdkReads.get());
  }

  @Test
  void aChainTheExtraCasDoNotEndIsAskedOfTheJdkStoreReadOnce() throws Exception {
    TlsSettings.ExtraCasFirst trust =
        new TlsSettings.ExtraCasFirst(trusting(PKI.tokenCert), jdkTrusting(PKI.caCert));
    trust.checkServerTrusted(serverChain(), "RSA");
    trust.checkServerTrusted(serverChain(), "RSA");
    assertEquals(1, jdkReads.get());
  }

  @Test
  void aChainNeitherTrustsIsRefused() throws Exception {
    TlsSettings.ExtraCasFirst trust =
        new TlsSettings.ExtraCasFirst(trusting(PKI.tokenCert), jdkTrusting(PKI.tokenCert));
    assertThrows(CertificateException.class, () -> trust.checkServerTrusted(serverChain(), "RSA"));
  }
}
