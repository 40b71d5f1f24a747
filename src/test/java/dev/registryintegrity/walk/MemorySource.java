package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.Proof;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Content held in memory, for walker tests of graphs no real registry would accept (over-deep
 * nesting, oversized manifests, lying sizes). Real registries are exercised by the *IT tests.
 */
final class MemorySource implements ContentSource {
  final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  final Map<String, String> mediaTypes = new ConcurrentHashMap<>();
  final Map<String, Long> blobSizes = new ConcurrentHashMap<>();
  final Map<String, byte[]> blobBytes = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  /** Requests asked from a virtual thread (socket I/O there starts the JDK's poller). */
  final AtomicInteger onVirtualThreads = new AtomicInteger();

  Digest putManifest(String tag, String mediaType, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256Of(body);
    manifests.put(d.toString(), body);
    mediaTypes.put(d.toString(), mediaType);
    if (tag != null) {
      manifests.put(tag, body);
      mediaTypes.put(tag, mediaType);
    }
    return d;
  }

  Digest putBlob(String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256Of(bytes);
    blobSizes.put(d.toString(), (long) bytes.length);
    blobBytes.put(d.toString(), bytes);
    return d;
  }

  int callsFor(Digest digest) {
    return calls.getOrDefault(digest.toString(), new AtomicInteger()).get();
  }

  @Override
  public Optional<byte[]> readBlob(String repository, Digest digest, int maxBytes) {
    byte[] bytes = blobBytes.get(digest.toString());
    return bytes == null || bytes.length > maxBytes ? Optional.empty() : Optional.of(bytes);
  }

  @Override
  public Origin origin() {
    return new Origin(Origin.Medium.REGISTRY, "memory");
  }

  @Override
  public Lookup fetchManifest(String repository, ManifestRef ref, int maxBytes) {
    String reference = ref.toString();
    count(reference);
    byte[] body = manifests.get(reference);
    if (body == null) {
      return new Lookup.Absent("404 MANIFEST_UNKNOWN", "MANIFEST_UNKNOWN", "manifest unknown");
    }
    if (body.length > maxBytes) {
      return new Lookup.TooLarge("200", maxBytes);
    }
    return Lookup.Found.withBody(
        "200", mediaTypes.get(reference), Optional.empty(), body, List.of());
  }

  @Override
  public Lookup checkManifest(String repository, Digest digest) {
    count(digest.toString());
    return manifests.containsKey(digest.toString())
        ? new Lookup.Found(
            "200",
            "",
            OptionalLong.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Proof.LISTED)
        : new Lookup.Absent("404 MANIFEST_UNKNOWN", "MANIFEST_UNKNOWN", "");
  }

  @Override
  public Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    count(digest.toString());
    count(check.label() + " " + digest);
    Long size = blobSizes.get(digest.toString());
    return size == null
        ? new Lookup.Absent("404 BLOB_UNKNOWN", "BLOB_UNKNOWN", "blob unknown to registry")
        : new Lookup.Found(
            "200",
            "",
            OptionalLong.of(size),
            Optional.of(digest),
            Optional.empty(),
            List.of(),
            check == BlobCheck.HEAD ? Proof.LISTED : Proof.SERVED);
  }

  @Override
  public long requestCount() {
    return requests.get();
  }

  private void count(String key) {
    requests.incrementAndGet();
    if (Thread.currentThread().isVirtual()) {
      onVirtualThreads.incrementAndGet();
    }
    calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }
}
