package dev.registryintegrity.watch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the receiver must not lose, on disk: the checks it accepted (written and forced to disk
 * before the registry gets its 202: distribution never sends a delivered event again), and each
 * tag's last verdict with the digests it reached (so a restart keeps the alert of a broken tag and
 * can still map a later delete to the tags it breaks).
 *
 * <p>An append-only file of JSON lines after a header line, replayed at start and rewritten as a
 * snapshot of what is live once it holds more dead lines than live ones: its size is bounded by the
 * queue capacity and the number of tracked tags. A line torn by a crash mid-write is dropped; a
 * file damaged elsewhere is set aside and the receiver starts from what was readable; a file that
 * is not a journal at all is a start-up error, never overwritten.
 */
public final class Journal implements AutoCloseable {
  static final String FILE = "journal.log";
  static final String HEADER = "{\"journal\":\"registry-integrity watch\",\"version\":1}";

  /**
   * Compaction waits until this many lines at least: rewriting a tiny file on every verdict is
   * waste.
   */
  private static final int MIN_LINES_BEFORE_COMPACTION = 1000;

  /** A check the receiver answered 202 for and has not yet given a verdict. */
  public record Accepted(String repository, String tag, Instant firstEvent) {}

  /**
   * A tag's last verdict.
   *
   * @param result when {@link TagResult#UNCHECKED}, {@code digests} are those of the last check
   *     that completed, kept for delete tracking
   */
  public record TagVerdict(
      String repository,
      String tag,
      TagResult result,
      int failures,
      int orphans,
      long verifiedAt,
      Set<Digest> digests) {
    public TagVerdict {
      digests = Set.copyOf(digests);
    }
  }

  /** What the file held at start, and what was wrong with it (for the log). */
  public record State(List<Accepted> pending, List<TagVerdict> verdicts, List<String> problems) {}

  private final Path file;
  private final Map<TagKey, Accepted> pending = new LinkedHashMap<>();
  private final Map<TagKey, TagVerdict> verdicts;
  private final State loaded;
  private FileChannel channel;
  private long linesSinceSnapshot;

  private Journal(Path file, int tracked) {
    this.file = file;
    this.verdicts =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<TagKey, TagVerdict> eldest) {
            return size() > tracked;
          }
        };
    this.loaded = replay();
  }

  /**
   * Opens (or creates) the journal in {@code directory}.
   *
   * @param tracked verdicts kept at most (the receiver's {@code --tracked}); the oldest go first
   * @throws InputException when the directory cannot be used or holds something that is not a
   *     journal
   */
  public static Journal open(Path directory, int tracked) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new InputException(
          "--state-dir "
              + directory
              + ": cannot create it ("
              + e.getClass().getSimpleName()
              + "): give a writable directory (a volume in a container)");
    }
    if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
      throw new InputException(
          "--state-dir "
              + directory
              + " is not a writable directory: give one (a volume in a container)");
    }
    return new Journal(directory.resolve(FILE), tracked);
  }

  /** What the file held when opened. */
  public State state() {
    return loaded;
  }

  public Path file() {
    return file;
  }

  private State replay() {
    List<String> problems = new ArrayList<>();
    if (Files.exists(file)) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new InputException(
            "--state-dir: cannot read "
                + file
                + " ("
                + e.getClass().getSimpleName()
                + "): make it readable, or move it away to start without it");
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      int firstEnd = text.indexOf('\n');
      String first = firstEnd < 0 ? text : text.substring(0, firstEnd);
      if (!first.equals(HEADER)) {
        throw new InputException(
            "--state-dir: "
                + file
                + " is not a registry-integrity watch journal: point --state-dir"
                + " at an empty directory or at this receiver's own");
      }
      boolean damaged = false;
      int lineNumber = 1;
      int at = firstEnd + 1;
      while (firstEnd >= 0 && at < text.length()) {
        int end = text.indexOf('\n', at);
        lineNumber++;
        if (end < 0) {
          // The last write did not finish (a crash mid-append): it was never acknowledged.
          problems.add(
              "dropped line "
                  + lineNumber
                  + " of "
                  + file
                  + ", torn by a crash while it was written");
          break;
        }
        String line = text.substring(at, end);
        at = end + 1;
        if (!apply(line)) {
          damaged = true;
          problems.add(
              "line "
                  + lineNumber
                  + " of "
                  + file
                  + " is damaged: the file was set aside and the receiver"
                  + " starts from the "
                  + (lineNumber - 2)
                  + " lines before it");
          break;
        }
      }
      if (damaged) {
        setAside(problems);
      }
    }
    try {
      writeSnapshot();
    } catch (IOException e) {
      throw new InputException(
          "--state-dir: cannot write "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + "): give a writable directory with free space");
    }
    return new State(List.copyOf(pending.values()), List.copyOf(verdicts.values()), problems);
  }

  private void setAside(List<String> problems) {
    Path aside = file.resolveSibling(FILE + ".damaged-" + System.currentTimeMillis());
    try {
      Files.move(file, aside);
      problems.add("the damaged journal is kept as " + aside);
    } catch (IOException e) {
      problems.add(
          "could not set the damaged journal aside ("
              + e.getClass().getSimpleName()
              + "); it is replaced");
    }
  }

  /** Applies one record; false when it is not one. */
  private boolean apply(String line) {
    try {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      TagKey key = new TagKey(o.get("repo").getAsString(), o.get("tag").getAsString());
      switch (o.get("op").getAsString()) {
        case "accept" ->
            pending.putIfAbsent(
                key,
                new Accepted(
                    key.repository(), key.tag(), Instant.ofEpochMilli(o.get("first").getAsLong())));
        case "verdict" -> {
          Set<Digest> digests = new LinkedHashSet<>();
          for (JsonElement d : o.getAsJsonArray("digests")) {
            digests.add(Digest.parse(d.getAsString()));
          }
          TagVerdict v =
              new TagVerdict(
                  key.repository(),
                  key.tag(),
                  TagResult.fromLabel(o.get("result").getAsString()),
                  o.get("failures").getAsInt(),
                  o.get("orphans").getAsInt(),
                  o.get("at").getAsLong(),
                  digests);
          record(v);
        }
        case "forget" -> {
          pending.remove(key);
          verdicts.remove(key);
        }
        default -> {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void record(TagVerdict v) {
    TagKey key = new TagKey(v.repository(), v.tag());
    if (v.result().completed()) {
      pending.remove(key);
    }
    verdicts.put(key, v);
  }

  /** Records checks about to be acknowledged; on disk when this returns. */
  public synchronized void accepted(List<Accepted> checks) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Accepted a : checks) {
      if (pending.putIfAbsent(new TagKey(a.repository(), a.tag()), a) == null) {
        lines.add(line(a));
      }
    }
    append(lines);
  }

  /** Records a verdict; one of a check that was made settles the tag's accepted check. */
  public synchronized void verdict(TagVerdict v) throws IOException {
    record(v);
    append(List.of(line(v)));
  }

  /** The tag is gone (deleted on purpose): nothing about it is kept. */
  public synchronized void forget(String repository, String tag) throws IOException {
    TagKey key = new TagKey(repository, tag);
    boolean known = pending.remove(key) != null | verdicts.remove(key) != null;
    if (known) {
      append(List.of(record("forget", key).toString()));
    }
  }

  private static String line(Accepted a) {
    JsonObject o = record("accept", new TagKey(a.repository(), a.tag()));
    o.addProperty("first", a.firstEvent().toEpochMilli());
    return o.toString();
  }

  private static String line(TagVerdict v) {
    JsonObject o = record("verdict", new TagKey(v.repository(), v.tag()));
    o.addProperty("result", v.result().label());
    o.addProperty("failures", v.failures());
    o.addProperty("orphans", v.orphans());
    o.addProperty("at", v.verifiedAt());
    JsonArray digests = new JsonArray();
    v.digests().forEach(d -> digests.add(d.toString()));
    o.add("digests", digests);
    return o.toString();
  }

  private static JsonObject record(String op, TagKey key) {
    JsonObject o = new JsonObject();
    o.addProperty("op", op);
    o.addProperty("repo", key.repository());
    o.addProperty("tag", key.tag());
    return o;
  }

  private void append(List<String> lines) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    lines.forEach(l -> b.append(l).append('\n'));
    ByteBuffer buffer = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    channel.force(false);
    linesSinceSnapshot += lines.size();
    if (linesSinceSnapshot
        > Math.max(MIN_LINES_BEFORE_COMPACTION, 2L * (pending.size() + verdicts.size()))) {
      writeSnapshot();
    }
  }

  /** Rewrites the file as what is live, atomically: a crash leaves the old file or the new one. */
  private void writeSnapshot() throws IOException {
    Path next = file.resolveSibling(FILE + ".next");
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    pending.values().forEach(a -> b.append(line(a)).append('\n'));
    verdicts.values().forEach(v -> b.append(line(v)).append('\n'));
    try (FileChannel out =
        FileChannel.open(
            next,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    } catch (AccessDeniedException e) {
      throw new IOException("cannot write " + next, e);
    }
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    if (channel != null) {
      channel.close();
    }
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    linesSinceSnapshot = 0;
  }

  @Override
  public synchronized void close() {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
