package dev.registryintegrity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DigestTest {
  private static final String HELLO_SHA256 =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @Test
  void sha256OfKnownTextMatchesTheReferenceValue() {
    Digest d = Digest.sha256Of("hello".getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256:" + HELLO_SHA256, d.toString());
    assertTrue(d.matches("hello".getBytes(StandardCharsets.UTF_8)));
    assertFalse(d.matches("hello!".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void sha512DigestsAreRecomputedInTheirOwnAlgorithm() {
    Digest d = Digest.parse("sha512:" + "ab".repeat(64));
    assertEquals("sha512", d.recompute(new byte[0]).algorithm());
    assertEquals(128, d.recompute(new byte[0]).hex().length());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sha256:abc | takes 64",
        "md5:d41d8cd98f00b204e9800998ecf8427e | not supported",
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 | expected sha256:",
        "sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824 | lowercase hex",
      })
  void malformedDigestsAreRefusedWithTheirTextInTheMessage(String text, String fragment) {
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> Digest.parse(text));
    assertTrue(
        e.getMessage().contains(text.trim()), "the message names the input: " + e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
