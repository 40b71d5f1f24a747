package dev.registryintegrity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsingTest {
  @ParameterizedTest
  @CsvSource({"90s,90000", "5m,300000", "1h,3600000", "1m30s,90000", "250ms,250", "45,45000"})
  void ciStyleDurationsParse(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), Durations.parse("timeout", text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "abc",
        "5x",
        "0",
        "1m-",
        "-5s",
        "99999999999999999999s",
        "9223372036854775807",
        "200h"
      })
  void anythingElseIsAUsageErrorNamingTheSetting(String text) {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> Durations.parse("timeout", text));
    assertTrue(e.getMessage().startsWith("timeout '"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "512,512",
    "64k,65536",
    "10MiB,10485760",
    "16G,17179869184",
    "1.5GB,1610612736",
    "2 kib,2048"
  })
  void byteSizesParseInPowersOf1024(String text, long bytes) {
    assertEquals(bytes, ByteSize.parse("--max-content-bytes", text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "-1", "ten", "5X", "99999999999999T", "1e9"})
  void badSizesAreAUsageErrorNamingTheOption(String text) {
    InvalidValueException e =
        assertThrows(
            InvalidValueException.class, () -> ByteSize.parse("--max-content-bytes", text));
    assertTrue(e.getMessage().startsWith("--max-content-bytes '"), e.getMessage());
  }
}
