package dev.registryintegrity.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  private static final Digest A = Digest.sha256Of("a".getBytes(StandardCharsets.UTF_8));
  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
  @TempDir Path dir;

  private static Journal.TagVerdict verdict(String tag, String result) {
    return new Journal.TagVerdict(
        "app",
        tag,
        TagResult.fromLabel(result),
        result.equals("failed") ? 2 : 0,
        0,
        1000,
        Set.of(A));
  }

  @Test
  void acceptedChecksWithoutAVerdictAndEveryVerdictComeBackAfterAReopen() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      journal.accepted(
          List.of(new Journal.Accepted("app", "v1", T), new Journal.Accepted("app", "v2", T)));
      journal.verdict(verdict("v1", "failed"));
      journal.verdict(verdict("v2", "unchecked"));
    }
    Journal.State state = Journal.open(dir, 100).state();
    // v1 was settled by its verdict; v2's unchecked verdict leaves it to be tried again.
    assertEquals(List.of(new Journal.Accepted("app", "v2", T)), state.pending());
    assertEquals(List.of(verdict("v1", "failed"), verdict("v2", "unchecked")), state.verdicts());
    assertEquals(List.of(), state.problems());
  }

  @Test
  void aForgottenTagIsGoneAfterAReopen() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      journal.verdict(verdict("v1", "intact"));
      journal.forget("app", "v1");
    }
    assertEquals(List.of(), Journal.open(dir, 100).state().verdicts());
  }

  @Test
  void aLineTornByACrashIsDroppedAndTheRestKept() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      journal.accepted(List.of(new Journal.Accepted("app", "v1", T)));
    }
    Files.writeString(
        dir.resolve(Journal.FILE),
        "{\"op\":\"accept\",\"repo\":\"app\",\"ta",
        java.nio.file.StandardOpenOption.APPEND);
    Journal.State state = Journal.open(dir, 100).state();
    assertEquals(1, state.pending().size());
    assertTrue(state.problems().get(0).contains("torn by a crash"), state.problems().toString());
  }

  @Test
  void aDamagedFileIsSetAsideAndTheReceiverStartsFromWhatWasReadable() throws Exception {
    try (Journal journal = Journal.open(dir, 100)) {
      journal.accepted(List.of(new Journal.Accepted("app", "v1", T)));
    }
    Files.writeString(
        dir.resolve(Journal.FILE),
        "garbage\n{\"op\":\"accept\",\"repo\":\"app\",\"tag\":\"v2\",\"first\":1}\n",
        java.nio.file.StandardOpenOption.APPEND);
    Journal.State state = Journal.open(dir, 100).state();
    assertEquals(List.of("v1"), state.pending().stream().map(Journal.Accepted::tag).toList());
    assertTrue(state.problems().get(0).contains("is damaged"), state.problems().toString());
    try (var files = Files.list(dir)) {
      assertEquals(
          1,
          files
              .filter(f -> f.getFileName().toString().startsWith(Journal.FILE + ".damaged-"))
              .count());
    }
  }

  @Test
  void aFileThatIsNotAJournalIsAStartUpErrorAndIsNotOverwritten() throws Exception {
    Files.writeString(dir.resolve(Journal.FILE), "precious data\n");
    InputException e = assertThrows(InputException.class, () -> Journal.open(dir, 100));
    assertTrue(
        e.getMessage().contains("is not a registry-integrity watch journal"), e.getMessage());
    assertEquals("precious data\n", Files.readString(dir.resolve(Journal.FILE)));
  }

  @Test
  void theFileStaysBoundedByWhatIsLiveHoweverManyVerdictsAreWritten() throws Exception {
    try (Journal journal = Journal.open(dir, 10)) {
      for (int i = 0; i < 5000; i++) {
        journal.verdict(verdict("t" + (i % 50), "intact"));
      }
    }
    long lines = Files.readAllLines(dir.resolve(Journal.FILE)).size();
    // At most: the header, 10 tracked tags, and the lines written since the last snapshot.
    assertTrue(lines <= 1 + 10 + 1001, lines + " lines");
    assertEquals(10, Journal.open(dir, 10).state().verdicts().size());
  }
}
