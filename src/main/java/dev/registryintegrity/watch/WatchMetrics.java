package dev.registryintegrity.watch;

import dev.registryintegrity.report.Exposition;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the receiver exposes on {@code /metrics}: the verdict of each tag's last verification (a
 * gauge per repository and tag, the alert's input), counters of events and verifications, and the
 * time from a push's first event to its verdict.
 */
public final class WatchMetrics {
  private static final String P = Exposition.PREFIX;

  /** Seconds; a push is verified a settle delay after its event, then as fast as the walk. */
  private static final double[] BUCKETS = {0.5, 1, 2, 5, 10, 30, 60, 120, 300};

  /**
   * Failed digests at the tag's last verification (0: intact), orphaned referrers found (a
   * warning), and whether it could be checked.
   */
  private record TagState(int failures, int orphans, boolean unchecked, long verifiedAt) {}

  private final String instance;
  private final Map<TagKey, TagState> tags = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> events = new ConcurrentHashMap<>();
  private final Map<TagResult, AtomicLong> verified = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
  private final AtomicLong deferred = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong gone = new AtomicLong();
  private final SeriesLimit limit;
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();

  /** Answers on the event endpoints, by endpoint and code; the endpoints are the routes, fixed. */
  private final Map<String, Map<Integer, AtomicLong>> answered = new ConcurrentHashMap<>();

  private final long[] buckets = new long[BUCKETS.length];
  private long latencyCount;
  private double latencySum;

  /**
   * How long an intact tag's series are kept, and how many intact tags at most: a registry with
   * many tags must not grow /metrics without end. Failing, unchecked and warned tags are always
   * kept: they are what the alerts are for.
   */
  public record SeriesLimit(java.time.Duration intactTtl, int maxIntact) {
    public static SeriesLimit defaults() {
      return new SeriesLimit(java.time.Duration.ofDays(7), 10_000);
    }
  }

  public WatchMetrics(String instance) {
    this(instance, SeriesLimit.defaults());
  }

  public WatchMetrics(String instance, SeriesLimit limit) {
    this.instance = instance;
    this.limit = limit;
  }

  public void event(String action) {
    events.computeIfAbsent(known(action), a -> new AtomicLong()).incrementAndGet();
  }

  public void skipped(int entries) {
    skipped.addAndGet(entries);
  }

  public void answered(String endpoint, int code) {
    answered
        .computeIfAbsent(endpoint, x -> new ConcurrentHashMap<>())
        .computeIfAbsent(code, x -> new AtomicLong())
        .incrementAndGet();
  }

  /** Webhook events understood and not about a container image (a Forgejo npm package). */
  public void ignored(int events) {
    ignored.addAndGet(events);
  }

  /** An envelope refused with 503 because the queue was full: the registry sends it again. */
  public void deferred() {
    deferred.incrementAndGet();
  }

  /** A check that could not be made was put back to be tried again. */
  public void retried() {
    retried.incrementAndGet();
  }

  public void rejected(String reason) {
    rejected.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  /**
   * @param result "intact", "failed" or "unchecked", as the series' {@code result} label spells it
   * @param orphans referrers whose subject is gone (warnings: the tag still pulls)
   */
  public void verdict(
      String repository,
      String tag,
      String result,
      int failures,
      int orphans,
      double secondsSincePush,
      long nowEpochSeconds) {
    verdict(
        repository,
        tag,
        TagResult.fromLabel(result),
        failures,
        orphans,
        secondsSincePush,
        nowEpochSeconds);
  }

  /**
   * @param orphans referrers whose subject is gone (warnings: the tag still pulls)
   */
  synchronized void verdict(
      String repository,
      String tag,
      TagResult result,
      int failures,
      int orphans,
      double secondsSincePush,
      long nowEpochSeconds) {
    verified.computeIfAbsent(result, r -> new AtomicLong()).incrementAndGet();
    tags.put(
        new TagKey(repository, tag),
        new TagState(failures, orphans, result == TagResult.UNCHECKED, nowEpochSeconds));
    prune(nowEpochSeconds);
    latencyCount++;
    latencySum += secondsSincePush;
    for (int i = 0; i < BUCKETS.length; i++) {
      if (secondsSincePush <= BUCKETS[i]) {
        buckets[i]++;
      }
    }
  }

  /** A tag's verdict from before a restart (the journal): its series again, nothing counted. */
  synchronized void restore(
      String repository, String tag, TagResult result, int failures, int orphans, long verifiedAt) {
    tags.put(
        new TagKey(repository, tag),
        new TagState(failures, orphans, result == TagResult.UNCHECKED, verifiedAt));
  }

  /**
   * A tag's last verdict, as the status page shows it.
   *
   * @param verdict "intact", "warning", "broken" or "unchecked"
   */
  public record Shown(
      String repository, String tag, String verdict, int failures, long verifiedAt) {}

  /** Every tag with series now (failing ones always, intact ones within their limits). */
  public synchronized java.util.List<Shown> shown() {
    java.util.List<Shown> all = new java.util.ArrayList<>();
    tags.forEach(
        (key, s) ->
            all.add(
                new Shown(
                    key.repository(),
                    key.tag(),
                    s.failures() > 0
                        ? "broken"
                        : s.unchecked() ? "unchecked" : s.orphans() > 0 ? "warning" : "intact",
                    s.failures(),
                    s.verifiedAt())));
    return all;
  }

  /** A deleted tag is no longer a failure to alert on. */
  public void forget(String repository, String tag) {
    tags.remove(new TagKey(repository, tag));
  }

  /** The tag turned out deleted on purpose when re-checked: its series go. */
  public void gone(String repository, String tag) {
    forget(repository, tag);
    gone.incrementAndGet();
  }

  /** Drops intact tags' series past their time, then the oldest intact ones past the count. */
  private void prune(long nowEpochSeconds) {
    long oldest = nowEpochSeconds - limit.intactTtl().toSeconds();
    tags.entrySet().removeIf(e -> intact(e.getValue()) && e.getValue().verifiedAt() < oldest);
    long intact = tags.values().stream().filter(WatchMetrics::intact).count();
    if (intact > limit.maxIntact()) {
      tags.entrySet().stream()
          .filter(e -> intact(e.getValue()))
          .sorted(java.util.Comparator.comparingLong(e -> e.getValue().verifiedAt()))
          .limit(intact - limit.maxIntact())
          .map(Map.Entry::getKey)
          .toList()
          .forEach(tags::remove);
    }
  }

  private static boolean intact(TagState s) {
    return s.failures() == 0 && s.orphans() == 0 && !s.unchecked();
  }

  /**
   * The action label takes the registry's few values only: a label must not be attacker-chosen
   * text.
   */
  private static String known(String action) {
    return switch (action) {
      case "push", "pull", "delete", "mount" -> action;
      default -> "other";
    };
  }

  public synchronized String render(int queueDepth, long nowEpochSeconds) {
    prune(nowEpochSeconds);
    StringBuilder out = new StringBuilder();
    String base = "instance=\"" + Exposition.label(instance) + "\"";
    header(
        out,
        "tag_failures",
        "gauge",
        "Broken references found when the tag was last verified after a push or delete (0: intact).");
    new TreeMap<>(tags)
        .forEach(
            (k, s) ->
                Exposition.tagSample(
                    out, "tag_failures", base, k.repository(), k.tag(), s.failures()));
    header(
        out,
        "orphaned_referrers",
        "gauge",
        "Referrers (signatures, SBOMs, attestations) whose subject is gone, over the tags' last verifications (a warning).");
    out.append(P)
        .append("orphaned_referrers{")
        .append(base)
        .append("} ")
        .append(tags.values().stream().mapToInt(TagState::orphans).sum())
        .append('\n');
    header(
        out,
        "tag_unchecked",
        "gauge",
        "1 when the tag's last verification could not be completed.");
    new TreeMap<>(tags)
        .forEach(
            (k, s) ->
                Exposition.tagSample(
                    out, "tag_unchecked", base, k.repository(), k.tag(), s.unchecked() ? 1 : 0));
    header(
        out, "watch_events_total", "counter", "Registry notification events received, by action.");
    new TreeMap<>(events)
        .forEach(
            (a, n) ->
                out.append(P)
                    .append("watch_events_total{")
                    .append(base)
                    .append(",action=\"")
                    .append(a)
                    .append("\"} ")
                    .append(n.get())
                    .append('\n'));
    header(
        out,
        "watch_pushes_verified_total",
        "counter",
        "Tag verifications after a push or delete, by result.");
    for (TagResult result : TagResult.values()) {
      out.append(P)
          .append("watch_pushes_verified_total{")
          .append(base)
          .append(",result=\"")
          .append(result.label())
          .append("\"} ")
          .append(verified.getOrDefault(result, new AtomicLong()).get())
          .append('\n');
    }
    header(
        out,
        "watch_events_deferred_total",
        "counter",
        "Event envelopes refused with 503 because the queue was full; the registry sends them again.");
    out.append(P)
        .append("watch_events_deferred_total{")
        .append(base)
        .append("} ")
        .append(deferred.get())
        .append('\n');
    header(
        out,
        "watch_checks_retried_total",
        "counter",
        "Checks that could not be made (registry unreachable, 5xx) and were put back to be tried again.");
    out.append(P)
        .append("watch_checks_retried_total{")
        .append(base)
        .append("} ")
        .append(retried.get())
        .append('\n');
    header(
        out,
        "watch_tags_gone_total",
        "counter",
        "Tags found deleted on purpose when re-checked (manifest unknown and not in tags/list): their series removed.");
    out.append(P)
        .append("watch_tags_gone_total{")
        .append(base)
        .append("} ")
        .append(gone.get())
        .append('\n');
    header(
        out,
        "watch_events_skipped_total",
        "counter",
        "Envelope entries skipped as malformed or invalid.");
    out.append(P)
        .append("watch_events_skipped_total{")
        .append(base)
        .append("} ")
        .append(skipped.get())
        .append('\n');
    header(
        out,
        "watch_requests_total",
        "counter",
        "Requests answered on the event endpoints (/events, /events/forgejo, /events/harbor), by code.");
    new TreeMap<>(answered)
        .forEach(
            (endpoint, codes) ->
                new TreeMap<>(codes)
                    .forEach(
                        (code, n) ->
                            out.append(P)
                                .append("watch_requests_total{")
                                .append(base)
                                .append(",endpoint=\"")
                                .append(endpoint)
                                .append("\",code=\"")
                                .append(code)
                                .append("\"} ")
                                .append(n.get())
                                .append('\n')));
    header(
        out,
        "watch_events_ignored_total",
        "counter",
        "Webhook events answered and ignored: not about a container image (a Forgejo npm package, a Harbor scan).");
    out.append(P)
        .append("watch_events_ignored_total{")
        .append(base)
        .append("} ")
        .append(ignored.get())
        .append('\n');
    header(
        out,
        "watch_requests_rejected_total",
        "counter",
        "Notification and webhook requests refused, by reason.");
    for (String reason :
        new String[] {
          "unauthorized", "method", "media-type", "too-large", "malformed", "unknown-event"
        }) {
      out.append(P)
          .append("watch_requests_rejected_total{")
          .append(base)
          .append(",reason=\"")
          .append(reason)
          .append("\"} ")
          .append(rejected.getOrDefault(reason, new AtomicLong()).get())
          .append('\n');
    }
    header(out, "watch_queue_depth", "gauge", "Tags waiting to be verified.");
    out.append(P)
        .append("watch_queue_depth{")
        .append(base)
        .append("} ")
        .append(queueDepth)
        .append('\n');
    header(
        out,
        "watch_push_to_verdict_seconds",
        "histogram",
        "Seconds from a tag's first event to its verdict.");
    for (int i = 0; i < BUCKETS.length; i++) {
      out.append(P)
          .append("watch_push_to_verdict_seconds_bucket{")
          .append(base)
          .append(",le=\"")
          .append(String.format(Locale.ROOT, "%s", trim(BUCKETS[i])))
          .append("\"} ")
          .append(buckets[i])
          .append('\n');
    }
    out.append(P)
        .append("watch_push_to_verdict_seconds_bucket{")
        .append(base)
        .append(",le=\"+Inf\"} ")
        .append(latencyCount)
        .append('\n');
    out.append(P)
        .append("watch_push_to_verdict_seconds_sum{")
        .append(base)
        .append("} ")
        .append(String.format(Locale.ROOT, "%.3f", latencySum))
        .append('\n');
    out.append(P)
        .append("watch_push_to_verdict_seconds_count{")
        .append(base)
        .append("} ")
        .append(latencyCount)
        .append('\n');
    return out.toString();
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    Exposition.header(out, name, type, help);
  }
}
