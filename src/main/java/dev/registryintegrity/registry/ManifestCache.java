package dev.registryintegrity.registry;

import dev.registryintegrity.model.Digest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Manifest bodies by digest, kept between probe runs: content addressed, so they never change. A
 * cached body saves the GET, never the existence check: a HEAD still asks whether the repository
 * serves the digest. Bounded by total bytes, least recently used first out.
 */
public final class ManifestCache {
  public record Entry(byte[] body, String mediaType) {}

  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<Digest, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  public ManifestCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public synchronized Optional<Entry> get(Digest digest) {
    return Optional.ofNullable(entries.get(digest));
  }

  public synchronized void put(Digest digest, byte[] body, String mediaType) {
    if (body.length > maxBytes || entries.containsKey(digest) || !digest.matches(body)) {
      return;
    }
    entries.put(digest, new Entry(body, mediaType));
    bytes += body.length;
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Digest, Entry> eldest = it.next();
      bytes -= eldest.getValue().body().length;
      it.remove();
    }
  }

  public synchronized int size() {
    return entries.size();
  }
}
