package dev.registryintegrity.storage.s3;

import dev.registryintegrity.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * {@code AWS_CA_BUNDLE}, as the AWS CLI, the Go and Python SDKs and the registry's own s3 driver
 * read it: PEM certificates trusted for the S3 endpoint besides the JVM's own (the AWS SDK for Java
 * does not read it, and an S3-compatible server behind a private CA is common).
 */
final class S3Trust {
  static final String CA_BUNDLE = "AWS_CA_BUNDLE";

  private S3Trust() {}

  /** The JVM's trust anchors and every certificate in {@code bundle}. */
  static TrustManager[] with(String bundle) {
    Path file = Path.of(bundle);
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new InputException(
            CA_BUNDLE + "=" + bundle + " holds no certificate: give a PEM file of CA certificates");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (X509Certificate anchor : jvmAnchors()) {
        store.setCertificateEntry("jvm-" + n++, anchor);
      }
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("bundle-" + n++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers();
    } catch (IOException e) {
      throw new InputException(
          CA_BUNDLE + "=" + bundle + ": cannot read it (" + e.getMessage() + "): give a PEM file");
    } catch (GeneralSecurityException e) {
      throw new InputException(
          CA_BUNDLE + "=" + bundle + " is not PEM certificates (" + e.getMessage() + ")");
    }
  }

  private static X509Certificate[] jvmAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
