package dev.registryintegrity.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.TestPki;
import dev.registryintegrity.fixture.TokenIssuer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Docker registry token flow against a real registry configured with auth: token. */
class TokenAuthIT {
  private static final String USER = "ci";
  private static final String PASSWORD = "t0ken-flow-Passw0rd";
  private static final TestPki PKI = TestPki.create();
  private static final TokenIssuer ISSUER = TokenIssuer.start(PKI, USER, PASSWORD);

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.create()
          .withTokenAuth(ISSUER.realm(), TokenIssuer.SERVICE, TokenIssuer.ISSUER, PKI.tokenCert);

  @BeforeAll
  static void seed() throws Exception {
    REGISTRY.seeder(USER, PASSWORD).pushImage("public/tool", ImageSpec.multiPlatform(), "v1");
    REGISTRY
        .seeder(USER, PASSWORD)
        .pushImage("private/app", ImageSpec.multiPlatform().layers(4), "v1");
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  @BeforeEach
  void reset() {
    ISSUER.reset();
  }

  private static String ref(String repo) {
    return REGISTRY.host() + "/" + repo + ":v1";
  }

  @Test
  void anonymousPullGetsAnAnonymousTokenForAPublicRepository() {
    Cli.Run run = Cli.run("verify", ref("public/tool"));
    assertEquals(0, run.exitCode(), run.all());
    assertEquals(List.of("repository:public/tool:pull"), ISSUER.scopesAsked());
  }

  @Test
  void credentialedPullAsksForOneTokenPerScopeAndReusesIt() {
    Cli.Run run =
        Cli.run(
            "verify",
            "--format",
            "json",
            "--username",
            USER,
            "--password",
            PASSWORD,
            ref("private/app"));
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.json().getAsJsonObject("summary").get("digests").getAsInt() >= 20);
    assertEquals(List.of("repository:private/app:pull"), ISSUER.scopesAsked());
  }

  @Test
  void accessTokenFieldIsAcceptedLikeToken() {
    ISSUER.useAccessTokenField(true);
    assertEquals(
        0,
        Cli.run("verify", "--username", USER, "--password", PASSWORD, ref("private/app"))
            .exitCode());
  }

  @Test
  void anonymousPullOfAPrivateRepositoryCannotBeCheckedAndSaysCredentialsAreNeeded() {
    Cli.Run run = Cli.run("verify", ref("private/app"));
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(run.out().contains("refused no credentials (anonymous)"), run.out());
    assertFalse(run.out().contains("MISSING"), run.out());
  }

  @Test
  void wrongPasswordIsRefusedByTheTokenServiceAndNamesTheCredentialNotTheSecret() {
    Cli.Run run =
        Cli.run(
            "verify",
            "--debug",
            "--username",
            USER,
            "--password",
            "wrong-pass-1",
            ref("private/app"));
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(
        run.out().contains("token service refused user 'ci' from --password (401)"), run.out());
    assertFalse(run.all().contains("wrong-pass-1"));
  }

  @Test
  void nothingPrintedAtDebugLevelContainsAPasswordOrToken() {
    Cli.Run run =
        Cli.run(
            "verify", "--debug", "--username", USER, "--password", PASSWORD, ref("private/app"));
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(
        run.err()
            .contains(
                "debug: GET http://" + REGISTRY.host() + "/v2/private/app/manifests/v1 -> 401"),
        run.err());
    assertFalse(run.all().contains(PASSWORD));
    assertFalse(run.all().contains("Bearer"));
    assertFalse(
        run.all().contains("eyJ"), "a JWT was printed"); // every JWT starts with base64 of {"
    assertFalse(
        run.all()
            .contains(
                java.util.Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes())));
  }

  @Test
  void retainWithoutDeleteRightsNamesTheScopeAndDeletesNothing() throws Exception {
    var seeder = REGISTRY.seeder(USER, PASSWORD);
    seeder.pushImage(
        "private/old", ImageSpec.singlePlatform().seed(1).created("2026-01-01T00:00:00Z"), "v1");
    seeder.pushImage(
        "private/old", ImageSpec.singlePlatform().seed(2).created("2026-01-02T00:00:00Z"), "v2");
    String tree = storageListing();
    ISSUER.grantDeletes(false);
    String[] retain = {
      "retain",
      "--username",
      USER,
      "--password",
      PASSWORD,
      "--keep-newest",
      "1",
      "--apply",
      REGISTRY.host() + "/private/old"
    };
    Cli.Run refused = Cli.run(retain);
    assertEquals(3, refused.exitCode(), refused.all());
    assertTrue(refused.all().contains("repository:private/old:delete"), refused.all());
    assertTrue(refused.all().contains("nothing was deleted"), refused.all());
    assertEquals(tree, storageListing(), "storage changed without delete rights");

    ISSUER.grantDeletes(true);
    Cli.Run applied = Cli.run(retain);
    assertEquals(0, applied.exitCode(), applied.all());
    assertTrue(ISSUER.scopesAsked().contains("repository:private/old:delete"), applied.all());
    assertFalse(storageListing().contains("old/_manifests/tags/v1/"), applied.out());
  }

  private static String storageListing() throws java.io.IOException {
    try (var files = java.nio.file.Files.walk(REGISTRY.storageRoot().resolve("repositories"))) {
      return String.join(
          "\n",
          files.map(p -> REGISTRY.storageRoot().relativize(p).toString() + "/").sorted().toList());
    }
  }
}
