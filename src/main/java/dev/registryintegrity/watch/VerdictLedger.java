package dev.registryintegrity.watch;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.report.Failure;
import dev.registryintegrity.status.Status;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Tally;
import dev.registryintegrity.walk.Verdict;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each tag's last verdict, kept in step wherever it shows: its series on {@code /metrics}, its
 * problems on the status page, its line in the journal and the digests delete tracking maps deletes
 * with; and, at start, what the journal kept of the last run.
 */
final class VerdictLedger {
  private final WatchMetrics metrics;
  private final Optional<Journal> journal;
  private final DeleteTracking tracking;
  private final WatchLog log;

  /** What the last check of each tag that is not intact found, for the status page. */
  private final Map<TagKey, List<Status.Problem>> problems = new ConcurrentHashMap<>();

  VerdictLedger(
      WatchMetrics metrics, Optional<Journal> journal, DeleteTracking tracking, WatchLog log) {
    this.metrics = metrics;
    this.journal = journal;
    this.tracking = tracking;
    this.log = log;
  }

  /**
   * What the last run left: its verdicts (series and delete tracking) and its accepted checks,
   * queued again. A tag restored shows its verdict on the status page, and its detail after its
   * next check.
   */
  void replay(PushQueue queue) {
    if (journal.isEmpty()) {
      return;
    }
    Journal.State state = journal.get().state();
    for (Journal.TagVerdict v : state.verdicts()) {
      metrics.restore(
          v.repository(), v.tag(), v.result(), v.failures(), v.orphans(), v.verifiedAt());
      tracking.reached(new TagKey(v.repository(), v.tag()), v.digests());
    }
    for (Journal.Accepted a : state.pending()) {
      queue.restore(a.repository(), a.tag(), a.firstEvent());
    }
    state.problems().forEach(p -> log.line("watch: warning: {}", p));
    log.line(
        "watch: state from {}: {} tag verdicts, {} accepted checks queued again",
        journal.get().file(),
        state.verdicts().size(),
        state.pending().size());
  }

  /**
   * Keeps one check's verdict: what it found for the status page, the digests it reached for delete
   * tracking, and its journal line. A check that could not be made keeps the digests of the last
   * one that was: what could not be seen is not what the tag reaches. The series wait for {@link
   * #publish}.
   */
  Journal.TagVerdict record(TagKey key, ImageResult image, Instant now) {
    TagResult result = TagResult.of(image.verdict());
    if (image.verdict() == Verdict.OK) {
      problems.remove(key);
    } else {
      problems.put(
          key, Status.Problem.of(Failure.of(List.of(image)), Failure.warnings(List.of(image))));
    }
    Set<Digest> digests;
    if (result.completed()) {
      digests = new HashSet<>();
      Graphs.forEachUnique(image.root(), (node, path) -> node.digest().ifPresent(digests::add));
      tracking.reached(key, digests);
    } else {
      digests = tracking.lastReached(key);
    }
    Tally tally = Tally.of(image);
    Journal.TagVerdict verdict =
        new Journal.TagVerdict(
            key.repository(),
            key.tag(),
            result,
            tally.failed(),
            tally.warned(),
            now.getEpochSecond(),
            digests);
    keep(j -> j.verdict(verdict), "watch: cannot write the journal ({}): this verdict is not kept");
    return verdict;
  }

  /**
   * The verdict's series. Published last, once the log says why: whoever sees a verdict there finds
   * its report.
   */
  void publish(Journal.TagVerdict verdict, double secondsSincePush) {
    metrics.verdict(
        verdict.repository(),
        verdict.tag(),
        verdict.result(),
        verdict.failures(),
        verdict.orphans(),
        secondsSincePush,
        verdict.verifiedAt());
  }

  /** The tag was deleted: its digests, problems, series and journal lines go. */
  void forget(TagKey key) {
    tracking.forget(key);
    problems.remove(key);
    metrics.forget(key.repository(), key.tag());
    keep(j -> j.forget(key.repository(), key.tag()), "watch: cannot write the journal ({})");
  }

  /** The tag turned out deleted on purpose when checked: forgotten, and counted. */
  void gone(TagKey key) {
    forget(key);
    metrics.gone(key.repository(), key.tag());
  }

  /**
   * The receiver's page: the tags with series now, failing first, and what their last check found.
   */
  Status status(String title, Instant now) {
    List<Status.Problem> shown = new ArrayList<>();
    List<Status.Row> rows = new ArrayList<>();
    Map<TagKey, Integer> digests = tracking.digestCounts();
    for (WatchMetrics.Shown tag : metrics.shown()) {
      TagKey key = new TagKey(tag.repository(), tag.tag());
      shown.addAll(problems.getOrDefault(key, List.of()));
      rows.add(
          new Status.Row(
              tag.repository() + ":" + tag.tag(),
              tag.verdict(),
              -1,
              digests.getOrDefault(key, 0),
              tag.failures(),
              Instant.ofEpochSecond(tag.verifiedAt())));
    }
    shown.sort(
        Comparator.comparing((Status.Problem p) -> p.severity().equals("warning"))
            .thenComparing(Status.Problem::image));
    return Status.of(title, now, Optional.empty(), Optional.empty(), shown, "tag", rows);
  }

  @FunctionalInterface
  private interface JournalWrite {
    void to(Journal journal) throws IOException;
  }

  /** Writes to the journal when there is one; a failed write is said, and the receiver goes on. */
  private void keep(JournalWrite write, String failed) {
    if (journal.isPresent()) {
      try {
        write.to(journal.get());
      } catch (IOException io) {
        log.line(failed, io.getMessage());
      }
    }
  }
}
