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
    return trusting(PKI, ca);
  }

  private static javax.net.ssl.X509ExtendedTrustManager trusting(TestPki pki, Path ca)
      throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", pki.certificate(ca));
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
  void aChainWhoseIssuerNameMatchesAnExtraCaOfAnotherKeyIsAskedOfTheJdkStore() throws Exception {
    // Another CA by the same name: the chain names it, but its key signed nothing here.
    TestPki namesake = TestPki.create();
    TlsSettings.ExtraCasFirst trust =
        new TlsSettings.ExtraCasFirst(trusting(namesake, namesake.caCert), jdkTrusting(PKI.caCert));
    trust.checkServerTrusted(new X509Certificate[] {PKI.certificate(PKI.serverCert)}, "RSA");
    assertEquals(1, jdkReads.get());
  }

  @Test
  void aPrivateCaCertificateThatFailsForAnotherReasonIsRefusedAsSuch() throws Exception {
    CertificateException mismatch =
        new CertificateException("No subject alternative names matching IP address 10.0.0.9 found");
    javax.net.ssl.X509ExtendedTrustManager refusing =
        new javax.net.ssl.X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s)
              throws CertificateException {
            throw mismatch;
          }

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s)
              throws CertificateException {
            throw mismatch;
          }

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e)
              throws CertificateException {
            throw mismatch;
          }

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, javax.net.ssl.SSLEngine e)
              throws CertificateException {
            throw mismatch;
          }

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a)
              throws CertificateException {
            throw mismatch;
          }

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a)
              throws CertificateException {
            throw mismatch;
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    TlsSettings.ExtraCasFirst trust =
        new TlsSettings.ExtraCasFirst(refusing, jdkTrusting(PKI.caCert));
    CertificateException thrown =
        assertThrows(
            CertificateException.class,
            () -> trust.checkServerTrusted(serverChain(), "RSA", (javax.net.ssl.SSLEngine) null));
    assertEquals(mismatch, thrown);
    assertEquals(0, jdkReads.get(), "the JDK's store cannot make a wrong host right");
  }

  @Test
  void aChainNeitherTrustsIsRefused() throws Exception {
    TlsSettings.ExtraCasFirst trust =
        new TlsSettings.ExtraCasFirst(trusting(PKI.tokenCert), jdkTrusting(PKI.tokenCert));
    assertThrows(CertificateException.class, () -> trust.checkServerTrusted(serverChain(), "RSA"));
  }
}
