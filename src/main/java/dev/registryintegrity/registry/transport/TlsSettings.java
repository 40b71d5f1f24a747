package dev.registryintegrity.registry.transport;

import dev.registryintegrity.InputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How TLS is verified: the JDK's trust store, plus extra CA certificates (a private CA keeps
 * verification on), or not at all ({@code insecure}, said loudly in the report header).
 */
public record TlsSettings(boolean insecure, List<X509Certificate> extraCas) {
  public TlsSettings {
    extraCas = List.copyOf(extraCas);
  }

  public static TlsSettings defaults() {
    return new TlsSettings(false, List.of());
  }

  /**
   * Reads CA certificates from PEM text or from a PEM file.
   *
   * @param what names the input in error messages ("--ca-cert", "setting ca_cert")
   */
  public static List<X509Certificate> readCertificates(
      String what, String pemOrPath, Path baseDir) {
    byte[] pem;
    String source;
    if (pemOrPath.contains("-----BEGIN")) {
      pem = pemOrPath.getBytes(StandardCharsets.UTF_8);
      source = "the PEM text";
    } else {
      Path file = baseDir.resolve(pemOrPath.trim());
      source = file.toString();
      pem =
          dev.registryintegrity.InputFiles.read(what, file, dev.registryintegrity.InputFiles.SMALL);
    }
    try (InputStream in = new ByteArrayInputStream(pem)) {
      List<X509Certificate> certs = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw new InputException(
            what + ": " + source + " holds no certificate: give PEM (-----BEGIN CERTIFICATE-----)");
      }
      return certs;
    } catch (GeneralSecurityException | IOException e) {
      throw new InputException(
          what + ": " + source + " is not a PEM certificate bundle (" + e.getMessage() + ")");
    }
  }

  /** The SSL context these settings call for. */
  public SSLContext sslContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (insecure) {
        context.init(null, new TrustManager[] {new TrustEverything()}, new SecureRandom());
        return context;
      }
      if (extraCas.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore extra = KeyStore.getInstance("PKCS12");
      extra.load(null, null);
      int n = 0;
      for (X509Certificate ca : extraCas) {
        extra.setCertificateEntry("registry-integrity-extra-" + n++, ca);
      }
      context.init(
          null,
          new TrustManager[] {new ExtraCasFirst(trustManager(extra), TlsSettings::jdkTrust)},
          new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  static X509ExtendedTrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    for (TrustManager m : factory.getTrustManagers()) {
      if (m instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /** The JDK's own trust store (cacerts), as the JDK's default SSL context trusts it. */
  private static X509ExtendedTrustManager jdkTrust() throws GeneralSecurityException {
    return trustManager((KeyStore) null);
  }

  /**
   * Whether {@code e} says a certificate chain ends at none of the trusted CAs, in JSSE's words
   * (its only way of saying it). The last: an anchor of the issuer's name whose key did not sign it
   * (another CA by that name, or a re-issued one), which JSSE reports when the certificate names
   * its key.
   */
  static boolean noChainToAnAnchor(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof java.security.cert.CertPathBuilderException
          || message.contains("PKIX path building failed")
          || message.contains("unable to find valid certification path")
          || message.contains("does not chain with any of the trust anchors")) {
        return true;
      }
    }
    return false;
  }

  /** Builds a trust manager when first needed. */
  @FunctionalInterface
  interface TrustSource {
    X509ExtendedTrustManager get() throws GeneralSecurityException;
  }

  /**
   * Trusts a chain that ends at a {@code --ca-cert} CA, else one the JDK's trust store trusts. The
   * JDK's store (about 150 certificates, 100 ms or more to parse in a cold JVM) is read only when a
   * chain does not end at an extra CA: a run against a registry with a private CA never reads it.
   */
  static final class ExtraCasFirst extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager extra;
    private final TrustSource jdk;
    private X509ExtendedTrustManager jdkBuilt;

    ExtraCasFirst(X509ExtendedTrustManager extra, TrustSource jdk) {
      this.extra = extra;
      this.jdk = jdk;
    }

    private synchronized X509ExtendedTrustManager jdk() throws CertificateException {
      if (jdkBuilt == null) {
        try {
          jdkBuilt = jdk.get();
        } catch (GeneralSecurityException e) {
          throw new CertificateException("cannot read the JDK's trust store: " + e.getMessage(), e);
        }
      }
      return jdkBuilt;
    }

    @FunctionalInterface
    private interface Check {
      void on(X509ExtendedTrustManager m) throws CertificateException;
    }

    /**
     * The extra CAs' verdict, unless they could not build a chain at all: a certificate of the
     * private CA that is expired or names another host fails as such, not as "unknown CA".
     */
    private void either(Check check) throws CertificateException {
      try {
        check.on(extra);
      } catch (CertificateException e) {
        if (!noChainToAnAnchor(e)) {
          throw e;
        }
        check.on(jdk());
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      either(m -> m.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      either(m -> m.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      either(m -> m.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      either(m -> m.checkClientTrusted(chain, authType));
    }

    /** Asked of a server choosing a client certificate; this client presents none. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return extra.getAcceptedIssuers();
    }
  }

  /** Only behind --insecure / skip_tls_verify, which the report header announces. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
