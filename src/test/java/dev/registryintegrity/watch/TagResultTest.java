package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.walk.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagResultTest {
  @TempDir Path dir;

  @Test
  void theLabelsAreTheWordsTheSeriesTheJournalAndTheLogAlreadyHold() {
    assertEquals(
        List.of("intact", "failed", "unchecked"),
        List.of(TagResult.values()).stream().map(TagResult::label).toList());
    for (TagResult result : TagResult.values()) {
      assertEquals(result, TagResult.fromLabel(result.label()));
    }
  }

  @Test
  void aWarningStillPullsAndACheckThatCouldNotBeMadeSettlesNothing() {
    assertEquals(TagResult.INTACT, TagResult.of(Verdict.OK));
    assertEquals(TagResult.INTACT, TagResult.of(Verdict.WARN));
    assertEquals(TagResult.FAILED, TagResult.of(Verdict.FAIL));
    assertEquals(TagResult.UNCHECKED, TagResult.of(Verdict.UNKNOWN));
    assertTrue(TagResult.INTACT.completed());
    assertTrue(TagResult.FAILED.completed());
    assertFalse(TagResult.UNCHECKED.completed());
  }

  @Test
  void aWordTheReceiverNeverWroteIsNoResult() {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> TagResult.fromLabel("Intact"));
    assertTrue(e.getMessage().contains("'Intact'"), e.getMessage());
  }

  @Test
  void aJournalWrittenWithTheResultStringsReplaysAndIsWrittenTheSameWay() throws Exception {
    Digest a = Digest.sha256Of("a".getBytes(StandardCharsets.UTF_8));
    String verdict =
        "{\"op\":\"verdict\",\"repo\":\"app\",\"tag\":\"v1\",\"result\":\"failed\",\"failures\":2,"
            + "\"orphans\":0,\"at\":1000,\"digests\":[\""
            + a
            + "\"]}";
    String unchecked =
        "{\"op\":\"verdict\",\"repo\":\"app\",\"tag\":\"v2\",\"result\":\"unchecked\","
            + "\"failures\":0,\"orphans\":0,\"at\":1001,\"digests\":[]}";
    String accept = "{\"op\":\"accept\",\"repo\":\"app\",\"tag\":\"v2\",\"first\":5000}";
    Files.writeString(
        dir.resolve(Journal.FILE),
        Journal.HEADER + "\n" + accept + "\n" + verdict + "\n" + unchecked + "\n");
    try (Journal journal = Journal.open(dir, 100)) {
      assertEquals(
          List.of(
              new Journal.TagVerdict("app", "v1", TagResult.FAILED, 2, 0, 1000, Set.of(a)),
              new Journal.TagVerdict("app", "v2", TagResult.UNCHECKED, 0, 0, 1001, Set.of())),
          journal.state().verdicts());
      assertEquals(
          List.of(new Journal.Accepted("app", "v2", Instant.ofEpochMilli(5000))),
          journal.state().pending());
      assertEquals(List.of(), journal.state().problems());
    }
    // The snapshot written at the open: the same lines, in the same words.
    assertEquals(
        List.of(Journal.HEADER, accept, verdict, unchecked),
        Files.readAllLines(dir.resolve(Journal.FILE)));
  }
}
