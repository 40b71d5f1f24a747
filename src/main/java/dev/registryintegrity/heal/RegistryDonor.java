package dev.registryintegrity.heal;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.registry.PushResult;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A repository of a registry: a pull-through mirror, a replica, or another repository of the broken
 * image's own registry. There a blob is mounted ({@code POST ...?mount=&from=}), and copied when
 * the registry answers 202 instead; from another registry it is copied. A copy is downloaded to a
 * temporary file while hashed (never held in memory) and uploaded only when it matched.
 */
public final class RegistryDonor implements Donor {
  private final RegistryClient client;
  private final String repository;
  private final boolean sameRegistry;
  private final Path spool;

  /**
   * @param sameRegistry the broken image's own registry: blobs are mounted, not copied
   * @param spool where copies are kept while they travel (deleted after)
   */
  public RegistryDonor(RegistryClient client, String repository, boolean sameRegistry, Path spool) {
    this.client = client;
    this.repository = repository;
    this.sameRegistry = sameRegistry;
    this.spool = spool;
  }

  @Override
  public String describe() {
    return (sameRegistry ? "repository " : "registry " + client.registry() + " repository ")
        + repository;
  }

  @Override
  public Answer<byte[]> manifest(Digest digest, int maxBytes) {
    Lookup answer = client.fetchManifest(repository, ManifestRef.of(digest), maxBytes);
    if (answer instanceof Lookup.Found found && found.body().isPresent()) {
      return Answer.of(found.body().get());
    }
    return Answer.no(answer.status());
  }

  @Override
  public Answer<String> holds(Descriptor blob) {
    Lookup answer = client.checkBlob(repository, blob.digest(), BlobCheck.READ);
    return answer instanceof Lookup.Found
        ? Answer.of(sameRegistry ? "mount" : "copy")
        : Answer.no(answer.status());
  }

  @Override
  public Given give(Descriptor blob, RegistryClient target, String into, Transfer transfer) {
    if (sameRegistry) {
      PushResult mounted = target.mountBlob(into, blob.digest(), repository);
      if (!(mounted instanceof PushResult.NotMounted)) {
        return Given.by("mount", mounted);
      }
    }
    Path copy;
    try {
      copy = Files.createTempFile(spool, "registry-integrity-heal-", ".blob");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot make a temporary file in " + spool + " for a copy: " + e.getMessage(), e);
    }
    try {
      Lookup read =
          client.downloadBlob(repository, blob.digest(), copy, blob.size(), transfer::moved);
      if (!(read instanceof Lookup.Found found)) {
        return Given.not("copy", read.status());
      }
      long size = found.size().orElse(-1);
      if (found.proof() != Proof.HASHED
          || size != blob.size()
          || !found.reportedDigest().equals(java.util.Optional.of(blob.digest()))) {
        return Given.not(
            "copy",
            "served wrong bytes ("
                + size
                + " bytes"
                + found.reportedDigest().map(d -> " hashing to " + d).orElse(", not hashed")
                + ")");
      }
      return Given.by(
          "copy",
          target.uploadBlob(into, blob.digest(), blob.size(), () -> Files.newInputStream(copy)));
    } finally {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException e) {
        // A temporary file left behind is the operating system's to clean.
      }
    }
  }
}
