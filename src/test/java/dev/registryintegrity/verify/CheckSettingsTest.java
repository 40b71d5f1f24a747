package dev.registryintegrity.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.WalkPolicy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CheckSettingsTest {
  @Test
  void theDefaultsAreTheOnesTheOptionTableStates() {
    CheckSettings s = CheckSettings.builder(Spelling.CLI).build();
    assertEquals(
        CheckOption.CONCURRENCY.defaultValue().orElseThrow(),
        String.valueOf(s.limits().concurrency()));
    assertEquals(CheckOption.RETRIES.defaultValue().orElseThrow(), String.valueOf(s.retries()));
    assertEquals(CheckOption.TIMEOUT.defaultValue().orElseThrow(), Durations.format(s.timeout()));
    assertEquals(
        CheckOption.CONNECT_TIMEOUT.defaultValue().orElseThrow(),
        Durations.format(s.transport().connectTimeout()));
    assertEquals(
        CheckOption.READ_TIMEOUT.defaultValue().orElseThrow(),
        Durations.format(s.transport().readTimeout()));
    assertEquals(
        CheckOption.BLOB_CHECK.defaultValue().orElseThrow(), s.policy().blobCheck().label());
    assertEquals(
        BlobCheck.DEFAULT_MAX_CONTENT_BYTES,
        dev.registryintegrity.model.ByteSize.parse(
            "x", CheckOption.MAX_CONTENT_BYTES.defaultValue().orElseThrow()));
    assertTrue(s.policy().options().isEmpty());
  }

  @ParameterizedTest
  @EnumSource(Spelling.class)
  void aRangeIsTheSameForEverySpellingAndItsMessageNamesTheInputAndTheRange(Spelling spelling) {
    CheckSettings.Builder b = CheckSettings.builder(spelling);
    InputException high = assertThrows(InputException.class, () -> b.concurrency(257));
    assertEquals(
        CheckOption.CONCURRENCY.nameIn(spelling) + " is 257: use a number from 1 to 256",
        high.getMessage());
    InputException low = assertThrows(InputException.class, () -> b.retries(-1));
    assertEquals(
        CheckOption.RETRIES.nameIn(spelling) + " is -1: use a number from 0 to 20",
        low.getMessage());
    assertEquals(256, b.concurrency(256).build().limits().concurrency());
    assertEquals(0, b.retries(0).build().retries());
  }

  @Test
  void eachSpellingNamesAnInputItsOwnWay() {
    assertEquals("--concurrency", CheckOption.CONCURRENCY.nameIn(Spelling.CLI));
    assertEquals(
        "setting concurrency (PLUGIN_CONCURRENCY)",
        CheckOption.CONCURRENCY.nameIn(Spelling.PLUGIN));
  }

  @Test
  void verifyContentAgreesWithContentAndContradictsTheOtherChecks() {
    assertEquals(
        BlobCheck.CONTENT,
        CheckSettings.builder(Spelling.CLI)
            .blobCheck(Optional.of(BlobCheck.CONTENT), true)
            .build()
            .policy()
            .blobCheck());
    InputException cli =
        assertThrows(
            InputException.class,
            () -> CheckSettings.builder(Spelling.CLI).blobCheck(Optional.of(BlobCheck.HEAD), true));
    assertEquals(
        "--verify-content and --blob-check: head contradict each other: give one of them",
        cli.getMessage());
    InputException plugin =
        assertThrows(
            InputException.class,
            () ->
                CheckSettings.builder(Spelling.PLUGIN)
                    .blobCheck(Optional.of(BlobCheck.READ), true));
    assertTrue(
        plugin.getMessage().startsWith("settings verify_content and blob_check: read contradict"),
        plugin.getMessage());
  }

  @Test
  void aRequiredArtifactTypeTurnsTheReferrerWalkOn() {
    CheckSettings s =
        CheckSettings.builder(Spelling.CLI)
            .requireArtifactTypes(List.of("application/vnd.dev.cosign.artifact.sig.v1+json"))
            .build();
    assertTrue(s.policy().referrers());
  }

  @Test
  void aBuiltSettingsDoesNotChangeWhenItsBuilderDoes() {
    CheckSettings.Builder b = CheckSettings.builder(Spelling.CLI).concurrency(4);
    CheckSettings first = b.build();
    b.concurrency(16).option(WalkPolicy.Option.STRICT, true);
    assertEquals(4, first.limits().concurrency());
    assertTrue(first.policy().options().isEmpty());
    assertEquals(16, b.build().limits().concurrency());
  }
}
