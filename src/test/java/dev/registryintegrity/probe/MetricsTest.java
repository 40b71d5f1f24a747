package dev.registryintegrity.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void labelValuesEscapeBackslashAndQuoteForTheExposition() {
    assertEquals("a\\\\b\\\"c", dev.registryintegrity.report.Exposition.label("a\\b\"c"));
  }

  @Test
  void labelValuesShowControlAndInvisibleCharactersEscapedSoNoDashboardOrAlertCanBeForged() {
    String label =
        dev.registryintegrity.report.Exposition.label("repo\u001b[31m\r\nINTACT\u0007\u202e");
    // Text.safe turns them into visible escapes; the exposition then doubles their backslashes.
    assertEquals("repo\\\\x1b[31m\\\\x0d\\\\x0aINTACT\\\\x07\\\\u202e", label);
    assertTrue(label.chars().allMatch(c -> c >= 0x20 && c < 0x7f), label);
  }

  @Test
  void shardsTakeEveryRepositoryExactlyOnce() {
    int[] counts = new int[4];
    for (int i = 0; i < 1000; i++) {
      int owners = 0;
      for (int s = 0; s < 4; s++) {
        if (new Shard(s, 4).owns("repo/" + i)) {
          owners++;
          counts[s]++;
        }
      }
      assertEquals(1, owners);
    }
    for (int c : counts) {
      assertTrue(c > 150, "shards are roughly even: " + java.util.Arrays.toString(counts));
    }
  }

  @Test
  void malformedShardIsAUsageError() {
    assertFalse(Shard.all().isSharded());
    org.junit.jupiter.api.Assertions.assertThrows(
        dev.registryintegrity.InputException.class, () -> Shard.parse("4/4"));
    org.junit.jupiter.api.Assertions.assertThrows(
        dev.registryintegrity.InputException.class, () -> Shard.parse("x"));
  }
}
