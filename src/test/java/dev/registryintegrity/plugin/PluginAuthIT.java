package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plugin against a registry with htpasswd auth: credentials work and never reach the log. */
class PluginAuthIT {
  private static final String USER = "woodpecker";
  private static final String PASSWORD = "pl4gin-Secret-value";

  @RegisterExtension
  static final RegistryFixture REGISTRY = RegistryFixture.withHtpasswd(USER, PASSWORD);

  @BeforeAll
  static void seed() throws Exception {
    PluginContainer.requireImage();
    REGISTRY.seeder().pushImage("team/app", ImageSpec.multiPlatform(), "v1");
  }

  private static void assertNoSecret(String log) {
    assertFalse(log.contains(PASSWORD), log);
    String basic =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertFalse(log.contains(basic), log);
  }

  @Test
  void usernameAndPasswordSettingsAuthenticateAndStaySecret() throws Exception {
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", REGISTRY.host() + "/team/app")
            .setting("tags", "v1")
            .setting("username", USER)
            .setting("password", PASSWORD)
            .setting("debug", "true")
            .run();
    assertEquals(0, r.exitCode(), r.log());
    assertTrue(r.log().contains("user 'woodpecker' from settings username/password"), r.log());
    assertNoSecret(r.log());
  }

  @Test
  void loginsListAuthenticatesPerRegistry() throws Exception {
    String logins =
        "[{\"registry\":\""
            + REGISTRY.host()
            + "\",\"username\":\""
            + USER
            + "\",\"password\":\""
            + PASSWORD
            + "\"}]";
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", REGISTRY.host() + "/team/app")
            .setting("tags", "v1")
            .setting("logins", logins)
            .run();
    assertEquals(0, r.exitCode(), r.log());
    assertNoSecret(r.log());
  }

  @Test
  void dockerAuthConfigFromTheEnvironmentAuthenticates() throws Exception {
    String auth =
        Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", REGISTRY.host() + "/team/app")
            .setting("tags", "v1")
            .env(
                "DOCKER_AUTH_CONFIG",
                "{\"auths\":{\"" + REGISTRY.host() + "\":{\"auth\":\"" + auth + "\"}}}")
            .run();
    assertEquals(0, r.exitCode(), r.log());
    assertNoSecret(r.log());
  }

  @Test
  void wrongPasswordCannotCheckAndExitsThreeWithoutPrintingIt() throws Exception {
    String wrong = "not-the-right-one";
    PluginContainer.Result r =
        PluginContainer.step()
            .setting("repo", REGISTRY.host() + "/team/app")
            .setting("tags", "v1")
            .setting("username", USER)
            .setting("password", wrong)
            .run();
    assertEquals(3, r.exitCode(), r.log());
    assertTrue(
        r.log().contains("refused user 'woodpecker' from settings username/password"), r.log());
    assertFalse(r.log().contains(wrong), r.log());
  }
}
