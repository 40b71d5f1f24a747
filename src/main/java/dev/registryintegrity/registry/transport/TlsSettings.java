package dev.registryintegrity.registry.transport;

import dev.registryintegrity.InputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
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
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
      if (Files.isReadable(cacerts)) {
        try (InputStream in = Files.newInputStream(cacerts)) {
          store.load(in, null);
        }
      } else {
        store.load(null, null);
      }
      int n = 0;
      for (X509Certificate ca : extraCas) {
        store.setCertificateEntry("registry-integrity-extra-" + n++, ca);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      context.init(null, factory.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
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
