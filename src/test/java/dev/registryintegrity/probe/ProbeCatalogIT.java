package dev.registryintegrity.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.fixture.TestPki;
import dev.registryintegrity.fixture.TokenIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A registry whose token service grants pulls but not the catalog (registry:catalog:*). */
class ProbeCatalogIT {
  private static final String USER = "probe";
  private static final String PASSWORD = "pr0be-Password";
  private static final TestPki PKI = TestPki.create();
  private static final TokenIssuer ISSUER = TokenIssuer.start(PKI, USER, PASSWORD);

  @RegisterExtension
  static final RegistryFixture REGISTRY =
      RegistryFixture.create()
          .withTokenAuth(ISSUER.realm(), TokenIssuer.SERVICE, TokenIssuer.ISSUER, PKI.tokenCert);

  @TempDir Path dir;

  @BeforeAll
  static void seed() throws Exception {
    REGISTRY.seeder(USER, PASSWORD).pushImage("team/app", ImageSpec.multiPlatform(), "v1", "v2");
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  @Test
  void refusedCatalogSetsCatalogAccessibleZeroStillStampsTheRunAndExitsThree() throws Exception {
    Path file = dir.resolve("m.prom");
    Cli.Run run =
        Cli.run(
            "probe",
            "--registry",
            REGISTRY.host(),
            "-u",
            USER,
            "-p",
            PASSWORD,
            "--textfile",
            file.toString());
    assertEquals(3, run.exitCode(), run.all());
    String metrics = Files.readString(file);
    assertTrue(
        metrics.contains(
            "registry_manifest_integrity_catalog_accessible{instance=\""
                + REGISTRY.host()
                + "\"} 0"),
        metrics);
    assertTrue(metrics.contains("registry_manifest_integrity_last_run_timestamp"), metrics);
    assertTrue(run.out().contains("catalog not readable"), run.out());
    assertTrue(run.out().contains("--repos-file"), run.out());
  }

  @Test
  void reposFileProbesRegistriesThatHideTheCatalog() throws Exception {
    Path repos = Files.writeString(dir.resolve("repos.txt"), "# repositories to watch\nteam/app\n");
    Cli.Run run =
        Cli.run(
            "probe",
            "--registry",
            REGISTRY.host(),
            "-u",
            USER,
            "-p",
            PASSWORD,
            "--repos-file",
            repos.toString());
    assertEquals(0, run.exitCode(), run.all());
    assertTrue(run.out().contains("INTACT: 1 repositories, 2 tags"), run.out());
  }

  @Test
  void aRegistryThatCannotBeReachedIsNeverIntactInAnyOutput() throws Exception {
    String dead = "127.0.0.1:" + RegistryFixture.freeLoopbackPort();
    Path file = dir.resolve("dead.prom");
    Cli.Run text = Cli.run("probe", "--registry", dead, "--textfile", file.toString());
    assertEquals(3, text.exitCode(), text.all());
    assertFalse(text.out().contains("INTACT"), text.out());
    assertEquals(
        1,
        text.out().lines().filter(l -> l.startsWith("probe ")).count(),
        "one summary line: " + text.out());
    assertTrue(text.out().contains("COULD NOT CHECK (catalog not readable)"), text.out());
    assertTrue(text.out().contains("(exit 3)"), text.out());
    assertTrue(
        Files.readString(file)
            .contains(
                "registry_manifest_integrity_catalog_accessible{instance=\"" + dead + "\"} 0"));
    assertFalse(
        Files.readString(file).contains("last_success_timestamp"),
        "a run that checked nothing is no success");

    Cli.Run json = Cli.run("probe", "--registry", dead, "--format", "json");
    assertEquals(3, json.exitCode(), json.all());
    assertEquals("cannot-check", json.json().get("result").getAsString());
    assertEquals(3, json.json().get("exitCode").getAsInt());
    assertEquals(1, json.json().getAsJsonObject("summary").get("unlisted").getAsInt());
  }
}
