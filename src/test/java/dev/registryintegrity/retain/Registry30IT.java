package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import dev.registryintegrity.fixture.Implementation;
import dev.registryintegrity.fixture.RegistryFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * distribution v3.0.0 where it behaves differently from 3.1.1 (the v3 axis of every other test):
 * with {@code storage.delete.enabled: false} it still deletes a tag given by name (202; 3.1.1 and
 * 2.8 answer 405). That is why retain asks whether deletes are on with a DELETE that changes
 * nothing, never with a tag: on 3.0.0 that question would delete the tag.
 */
class Registry30IT {
  @RegisterExtension
  static final RegistryFixture V3_0 = RegistryFixture.distribution300().withDeletesDisabled();

  @Test
  void withDeletesOffRetainDeletesNothingThoughThisVersionWouldDeleteATag() throws Exception {
    assertTrue(
        RegistryState.versionOf(Implementation.registry30Binary()).endsWith(" v3.0.0"),
        "-Dregistry30.binary is distribution v3.0.0");
    RetainScenario f = RetainScenario.seed(V3_0, "retain/off");
    f.assertDeletesOffChangeNothing(V3_0);

    assertEquals(
        202,
        RegistryState.delete(V3_0, f.repository(), "v1"),
        "3.0.0 deletes a tag with deletes off (fixed in 3.1.1)");
    Cli.Run gone = Cli.run("verify", V3_0.host() + "/" + f.repository() + ":v1");
    assertEquals(1, gone.exitCode(), "the tag is really gone: " + gone.all());
  }
}
