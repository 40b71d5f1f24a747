package dev.registryintegrity.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.InvalidValueException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryNameTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "registry.example.com:5050 | registry.example.com:5050 | registry.example.com | false",
        "127.0.0.1:5000            | 127.0.0.1:5000            | 127.0.0.1            | true",
        "localhost                 | localhost                 | localhost            | true",
        "[::1]:5000                | [::1]:5000                | [::1]                | true",
        "index.docker.io           | docker.io                 | docker.io            | false",
        "registry-1.docker.io      | docker.io                 | docker.io            | false",
      })
  void aRegistryIsItsHostAndPortWithDockerHubsAliasesFolded(
      String given, String name, String host, boolean loopback) {
    RegistryName r = RegistryName.parse(given);
    assertEquals(name, r.name());
    assertEquals(host, r.host());
    assertEquals(loopback, r.isLoopback());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "https://registry.example.com | is a URL",
        "registry example             | is not a valid host[:port]",
        "reg/istry                    | is not a valid host[:port]",
        "''                           | is not a valid host[:port]",
      })
  void anythingElseIsRefusedSayingWhatToGive(String given, String message) {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> RegistryName.parse(given));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void noValueSkipsTheCheck() {
    assertThrows(InvalidValueException.class, () -> new RegistryName("not a host"));
    assertEquals("registry-1.docker.io", RegistryName.DOCKER_HUB.apiHost());
    assertEquals(
        "reg.example/team/app:latest",
        RegistryName.parse("reg.example").repository("team/app").toString());
  }
}
