package dev.registryintegrity.retain;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.source.ReferrerLookup;
import dev.registryintegrity.walk.Memo;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A source that answers each question once for a plan: the scan, the build-time rule and the check
 * of the kept images all read through it, so a manifest, a config or a referrer list costs one
 * request however many of them ask, at the same moment or later. Never used after deleting: what
 * the registry serves then is asked afresh.
 */
final class Remembered implements ContentSource {
  private final ContentSource source;
  private final Memo<String, Lookup> manifests = new Memo<>();
  private final Memo<String, Optional<byte[]>> blobs = new Memo<>();
  private final Memo<String, ReferrerLookup> referrers = new Memo<>();

  Remembered(ContentSource source) {
    this.source = source;
  }

  @Override
  public Origin origin() {
    return source.origin();
  }

  /** A tag's body is its digest's too: asked by digest next, it is answered from the tag's. */
  @Override
  public Lookup fetchManifest(String repository, ManifestRef reference, int maxBytes) {
    return manifests.get(
        repository + "@" + reference,
        () -> {
          Lookup answer = source.fetchManifest(repository, reference, maxBytes);
          if (reference instanceof ManifestRef.Tag
              && answer instanceof Lookup.Found f
              && f.body().isPresent()) {
            manifests.get(repository + "@" + Digest.sha256Of(f.body().get()), () -> answer);
          }
          return answer;
        });
  }

  @Override
  public Lookup checkManifest(String repository, Digest digest) {
    return source.checkManifest(repository, digest);
  }

  /** A content check of a blob already read (a config) hashes what was read, asking nothing. */
  @Override
  public Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    var read = blobs.asked(repository + "@" + digest);
    if (check == BlobCheck.CONTENT && read != null && read.join().isPresent()) {
      byte[] bytes = read.join().get();
      return new Lookup.Found(
          "200",
          "",
          OptionalLong.of(bytes.length),
          Optional.of(digest.recompute(bytes)),
          Optional.empty(),
          List.of(),
          Proof.HASHED);
    }
    return source.checkBlob(repository, digest, check);
  }

  @Override
  public Optional<byte[]> readBlob(String repository, Digest digest, int maxBytes) {
    return blobs.get(
        repository + "@" + digest, () -> source.readBlob(repository, digest, maxBytes));
  }

  @Override
  public ReferrerLookup referrers(String repository, Digest subject) {
    return referrers.get(repository + "@" + subject, () -> source.referrers(repository, subject));
  }

  /** A repository's plan is made and its kept images checked: nothing of it is asked again. */
  @Override
  public void forget(String repository) {
    String prefix = repository + "@";
    manifests.forget(k -> k.startsWith(prefix));
    blobs.forget(k -> k.startsWith(prefix));
    referrers.forget(k -> k.startsWith(prefix));
    source.forget(repository);
  }

  @Override
  public Lookup checkExternal(Descriptor descriptor) {
    return source.checkExternal(descriptor);
  }

  @Override
  public long requestCount() {
    return source.requestCount();
  }

  @Override
  public List<String> notes() {
    return source.notes();
  }
}
