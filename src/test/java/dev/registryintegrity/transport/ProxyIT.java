package dev.registryintegrity.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.FaultProxy;
import dev.registryintegrity.fixture.ImageSeeder.ImageSpec;
import dev.registryintegrity.fixture.RegistryFixture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP_PROXY for real: the registry is named by a host only the proxy can reach (registry.test), so
 * the check passes only when every request goes through the proxy.
 */
class ProxyIT {
  @RegisterExtension static final RegistryFixture REGISTRY = RegistryFixture.create();
  private static FaultProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    REGISTRY.seeder().pushImage("team/app", ImageSpec.multiPlatform(), "v1");
    proxy = new FaultProxy(REGISTRY.baseUri());
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @Test
  void requestsGoThroughTheProxyFromTheEnvironment() {
    Cli.Run run =
        Cli.run(
            Map.of("HTTP_PROXY", "http://" + proxy.host()),
            "",
            "verify",
            "--plain-http",
            "registry.test:5000/team/app:v1");
    assertEquals(0, run.exitCode(), run.all());
    assertFalse(proxy.seen().isEmpty());
    assertTrue(proxy.seen().stream().allMatch(FaultProxy.Seen::absolute), proxy.seen().toString());
  }

  @Test
  void noProxyExemptsTheHost() {
    Cli.Run run =
        Cli.run(
            Map.of("HTTP_PROXY", "http://" + proxy.host(), "NO_PROXY", "registry.test"),
            "",
            "verify",
            "--plain-http",
            "--retries",
            "0",
            "registry.test:5000/team/app:v1");
    assertEquals(3, run.exitCode(), run.all());
    assertTrue(run.out().contains("cannot resolve registry host registry.test"), run.out());
  }
}
