package dev.registryintegrity.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "linux/amd64|linux/amd64",
        "ümlaut 日本 ok|ümlaut 日本 ok",
        "a\u001b[31mb|a\\x1b[31mb",
        "bell\u0007del\u007fc1\u0085|bell\\x07del\\x7fc1\\x85",
        "tab\there|tab\\x09here",
        "rtl\u202eevil\u2066x|rtl\\u202eevil\\u2066x",
        "zw\u200bj\u200d|zw\\u200bj\\u200d",
        "sep\u2028para\u2029|sep\\u2028para\\u2029"
      })
  void controlAndInvisibleCharactersAreShownEscaped(String given, String shown) {
    assertEquals(shown, Text.safe(given));
  }

  @Test
  void aLineBreakCannotStartALineThatLooksLikeOurVerdict() {
    assertEquals("x\\x0d\\x0aINTACT: 1 image", Text.safe("x\r\nINTACT: 1 image"));
  }

  @Test
  void longTextIsCutWithAMarkerSayingHowMuch() {
    assertEquals("xxxxxxxxxx...[990 more characters cut]", Text.safe("x".repeat(1000), 10));
    assertEquals("x".repeat(Text.MAX_LENGTH), Text.safe("x".repeat(Text.MAX_LENGTH)));
  }

  @Test
  void nothingIsNothing() {
    assertEquals("", Text.safe(null));
  }
}
