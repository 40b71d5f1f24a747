package dev.registryintegrity.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CosignTagsTest {
  @Test
  void theFallbackTagIsTheDigestWithADashAndAtMost128Characters() {
    Digest sha256 = Digest.sha256Of(new byte[0]);
    assertEquals("sha256-" + sha256.hex(), CosignTags.fallbackTag(sha256));
    Digest sha512 = new Digest("sha512", "ab".repeat(64));
    String tag = CosignTags.fallbackTag(sha512);
    assertEquals(128, tag.length());
    assertEquals(("sha512-" + "ab".repeat(64)).substring(0, 128), tag);
  }
}
