package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"90s,90000", "5m,300000", "1h,3600000", "1m30s,90000", "250ms,250", "45,45000"})
  void ciStyleDurationsParse(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Durations.parse("timeout", text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "5x", "0", "1m-", "-5s"})
  void anythingElseIsAUsageErrorNamingTheSetting(String text) {
    InputException e = assertThrows(InputException.class, () -> Durations.parse("timeout", text));
    assertTrue(e.getMessage().startsWith("timeout '"), e.getMessage());
  }
}
