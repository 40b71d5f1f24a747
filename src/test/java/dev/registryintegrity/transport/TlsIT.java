package dev.registryintegrity.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.TestPki;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A registry serving HTTPS with a certificate from a CA the test made. */
class TlsIT {
  private static final TestPki PKI = TestPki.create();

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.create().withTls(PKI.serverCert, PKI.serverKey, TestPki.trustAll());

  private static String image;

  @BeforeAll
  static void seed() throws Exception {
    REGISTRY.seeder().pushImage("tls/app", ImageSpec.multiPlatform(), "v1");
    image = REGISTRY.host() + "/tls/app:v1";
  }

  @Test
  void certificateFromAnUnknownCaCannotBeCheckedAndSaysWhy() {
    Cli.Run run = Cli.run("verify", image);
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(run.out().contains("TLS handshake with " + REGISTRY.host() + " failed"), run.out());
    assertTrue(run.out().contains("--ca-cert"), run.out());
  }

  @Test
  void caCertificateAddsTrustWithoutDisablingVerification() {
    Cli.Run run =
        Cli.run("verify", "--log-level", "debug", "--ca-cert", PKI.caCert.toString(), image);
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.out().contains("https://" + REGISTRY.host()), run.out());
  }

  @Test
  void aCaForSomethingElseDoesNotHelp() {
    Cli.Run run = Cli.run("verify", "--ca-cert", PKI.tokenCert.toString(), image);
    assertEquals(3, run.exitCode(), run.all());
  }

  @Test
  void insecureSkipsVerificationAndSaysSoInTheReport() {
    Cli.Run run = Cli.run("verify", "--skip-tls-verify", image);
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.out().contains("warning: TLS certificates are not verified"), run.out());
  }

  @Test
  void unreadableCaFileIsAUsageError() throws Exception {
    Cli.Run run =
        Cli.run("verify", "--ca-cert", Files.createTempFile("empty", ".pem").toString(), image);
    assertEquals(2, run.exitCode(), run.all());
    assertTrue(run.err().contains("--ca-cert:"), run.err());
  }

  @Test
  void theProbeFindsTheTlsOfALoopbackRegistryAndSaysWhichSchemeItSpoke() {
    Cli.Run run =
        Cli.run(
            "probe",
            "--registry",
            REGISTRY.host(),
            "--ca-cert",
            PKI.caCert.toString(),
            "--format",
            "json");
    assertEquals(0, run.exitCode(), run.all());
    assertEquals("intact", run.json().get("result").getAsString());
    assertTrue(run.json().getAsJsonArray("notes").toString().contains("speaks HTTPS"), run.out());
  }

  @Test
  void plainHttpToThisTlsPortSaysItSpeaksTls() {
    Cli.Run run = Cli.run("verify", "--plain-http", image);
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(run.out().contains("speaks TLS on this port"), run.out());
    assertTrue(run.out().contains("drop --plain-http"), run.out());
  }

  @Test
  void thePluginNamesItsOwnSettingsAndTheCommandLineItsFlags() {
    Cli.Run plugin =
        Cli.run(
            java.util.Map.of("PLUGIN_REPO", REGISTRY.host() + "/tls/app", "PLUGIN_TAGS", "v1"), "");
    assertEquals(3, plugin.exitCode(), plugin.all());
    assertTrue(plugin.out().contains("use the ca_cert setting for a private CA"), plugin.out());
    assertFalse(plugin.out().contains("--ca-cert"), plugin.out());
    Cli.Run cli = Cli.run("verify", image);
    assertTrue(cli.out().contains("use --ca-cert for a private CA"), cli.out());
  }
}
