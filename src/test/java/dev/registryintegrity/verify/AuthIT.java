package dev.registryintegrity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A registry with htpasswd basic auth, configured for real. */
class AuthIT {
  private static final String USER = "ci-bot";
  private static final String PASSWORD = "s3cret-Pa55word-xyz";

  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.withHtpasswd(USER, PASSWORD);

  private static String image;

  @BeforeAll
  static void seed() throws Exception {
    REGISTRY.seeder().pushImage("private/app", ImageSpec.multiPlatform(), "v1");
    image = REGISTRY.host() + "/private/app:v1";
  }

  @Test
  void rightCredentialsVerifyTheImage() {
    Cli.Run run = Cli.run("verify", "--username", USER, "--password", PASSWORD, image);
    assertEquals(0, run.exitCode(), run.all());
    assertFalse(run.all().contains(PASSWORD));
  }

  @Test
  void passwordFromStandardInputWorksAndIsNeverPrinted() {
    Cli.Run run =
        Cli.run(Map.of(), PASSWORD + "\n", "verify", "--username", USER, "--password-stdin", image);
    assertEquals(0, run.exitCode(), run.all());
    assertFalse(run.all().contains(PASSWORD));
  }

  @Test
  void refusedCredentialCannotCheckAndSaysWhichUserAndRegistry() {
    String wrong = "wrong-password-123";
    Cli.Run run = Cli.run("verify", "--username", USER, "--password", wrong, image);
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(
        run.out()
            .contains(
                "registry " + REGISTRY.host() + " refused user 'ci-bot' from --password (401"),
        run.out());
    assertFalse(run.all().contains(wrong));
    assertFalse(run.all().contains("MISSING"));
  }

  @Test
  void missingCredentialsCannotCheckAndSayHowToGiveThem() {
    Cli.Run run = Cli.run("verify", image);
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(
        run.out().contains("requires authentication: pass --username and --password"), run.out());
  }
}
