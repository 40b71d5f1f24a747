package dev.registryintegrity.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.TestPki;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/2 against real registries over TLS with credentials, proven from the registry's own log: its
 * access log names the protocol of every request, and its request log the client's address and
 * port, so the connections can be counted.
 */
class Http2IT {
  private static final TestPki PKI = TestPki.create();
  private static final String USER = "ci";
  private static final String PASSWORD = "s3cret-h2";

  @RegisterExtension
  static final RegistryFixture HTTP2 =
      RegistryFixture.withHtpasswd(USER, PASSWORD)
          .withTls(PKI.serverCert, PKI.serverKey, TestPki.trustAll())
          .withAccessLog();

  @RegisterExtension
  static final RegistryFixture HTTP1 =
      RegistryFixture.withHtpasswd(USER, PASSWORD)
          .withTls(PKI.serverCert, PKI.serverKey, TestPki.trustAll())
          .withAccessLog()
          .withoutHttp2();

  private static final Pattern PROTOCOL = Pattern.compile("\"[A-Z]+ /v2/[^\"]* (HTTP/[0-9.]+)\"");
  private static final Pattern CLIENT = Pattern.compile("http\\.request\\.remoteaddr=\"?([^\" ]+)");

  @BeforeAll
  static void seed() throws Exception {
    HTTP2.seeder(USER, PASSWORD).pushImage("h2/app", ImageSpec.multiPlatform(), "v1");
    HTTP1.seeder(USER, PASSWORD).pushImage("h2/app", ImageSpec.multiPlatform(), "v1");
  }

  private static Cli.Run verify(RegistryFixture registry, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "verify",
                "--format",
                "json",
                "--ca-cert",
                PKI.caCert.toString(),
                "--username",
                USER,
                "--password",
                PASSWORD));
    args.addAll(List.of(more));
    args.add(registry.host() + "/h2/app:v1");
    return Cli.run(args.toArray(String[]::new));
  }

  /** The log lines written from {@code from} on that match {@code pattern}, group 1 of each. */
  private static List<String> logged(RegistryFixture registry, int from, Pattern pattern) {
    Matcher m = pattern.matcher(registry.registryLog().substring(from));
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  /** A verify at --concurrency 8, and what the registry logged of it. */
  private record Checked(Cli.Run run, Set<String> protocols, Set<String> clients) {
    String notes() {
      return run.json().getAsJsonArray("notes").toString();
    }
  }

  private static Checked checked(RegistryFixture registry) {
    int from = registry.registryLog().length();
    Cli.Run run = verify(registry, "--concurrency", "8");
    assertEquals(0, run.exitCode(), run.all());
    List<String> protocols = logged(registry, from, PROTOCOL);
    // The manifests, configs and layers of the index, the challenge rounds included.
    assertTrue(protocols.size() >= 10, protocols.toString());
    return new Checked(
        run, new TreeSet<>(protocols), new TreeSet<>(logged(registry, from, CLIENT)));
  }

  @Test
  void everyRequestToARegistryThatOffersHttp2IsAStreamOnOneConnection() {
    Checked checked = checked(HTTP2);
    assertEquals(Set.of("HTTP/2.0"), checked.protocols());
    assertEquals(1, checked.clients().size(), "one connection: " + checked.clients());
    assertTrue(checked.notes().contains("speaks HTTPS"), checked.run().out());
    assertFalse(checked.notes().contains("HTTP/1.1"), checked.run().out());
  }

  @Test
  void aRegistryWithoutHttp2IsCheckedOverHttp11AndTheReportSaysWhy() {
    Checked checked = checked(HTTP1);
    // ALPN settled it: no request went out as HTTP/2 first.
    assertEquals(Set.of("HTTP/1.1"), checked.protocols());
    assertTrue(checked.clients().size() > 1, "HTTP/1.1 uses a pool: " + checked.clients());
    assertTrue(
        checked.notes().contains("does not offer HTTP/2 in its TLS handshake"),
        checked.run().out());
  }

  @Test
  void theRequestLogNamesTheProtocolOfEachAnswer() {
    Cli.Run run = verify(HTTP2, "--debug");
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.all().contains("/v2/h2/app/manifests/v1 -> 200 HTTP/2 ("), run.all());
  }
}
