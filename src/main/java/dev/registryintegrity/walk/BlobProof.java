package dev.registryintegrity.walk;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a blob (a config or a layer) is checked and judged: which check it gets, its bytes proven
 * once per run, its answer remembered per repository, and an external layer's URL asked only when
 * the policy says so.
 */
final class BlobProof {
  private final Walking walking;
  private final Memo<BlobKey, Lookup> answers = new Memo<>();
  private final Memo<BytesKey, ProvenBytes> bytesProven = new Memo<>();
  private final Memo<Digest, Lookup> externals = new Memo<>();

  BlobProof(Walking walking) {
    this.walking = walking;
  }

  Node visit(String repository, Descriptor descriptor, Kind kind, Optional<String> platform) {
    BlobCheck check = walking.policy().blobCheck();
    List<String> notes = new ArrayList<>();
    if (check == BlobCheck.READ
        && kind == Kind.CONFIG
        && descriptor.size() <= WalkLimits.CONFIG_HASH_LIMIT) {
      check = BlobCheck.CONTENT;
    }
    if (check == BlobCheck.CONTENT && descriptor.size() > walking.limits().maxContentBytes()) {
      check = BlobCheck.READ;
      notes.add(
          "not hashed: "
              + descriptor.size()
              + " bytes is over the content limit of "
              + walking.limits().maxContentBytes()
              + " ("
              + walking.deadline().spelling().maxContentBytes()
              + "); first byte served only");
    }
    Lookup lookup = bytesOnce(repository, descriptor, check);
    Finding finding = Judge.existence(descriptor, lookup);
    if (Judge.lawfullyAbsent(descriptor, finding)) {
      finding = Judge.external(descriptor, externalAnswer(descriptor));
    }
    if (finding instanceof Finding.Intact intact && !notes.isEmpty()) {
      notes.addAll(0, intact.notes());
      finding = new Finding.Intact(notes, intact.proof());
    }
    return Node.of(kind, descriptor)
        .platform(platform)
        .status(lookup.status())
        .finding(finding)
        .build();
  }

  /**
   * A blob's bytes are stored once per registry (content addressed); what each repository has of
   * its own is the link, which a HEAD shows as well as a GET. So the bytes of a digest are read (or
   * hashed) in the first repository that reaches it, and every other repository's reference is a
   * HEAD that borrows that proof: a digest whose bytes are not served fails wherever it is reached,
   * at the cost of one read per digest per run. --read-every-repository reads in each.
   */
  private Lookup bytesOnce(String repository, Descriptor descriptor, BlobCheck check) {
    if (check == BlobCheck.HEAD || walking.policy().has(WalkPolicy.Option.READ_EVERY_REPOSITORY)) {
      return check(repository, descriptor, check);
    }
    BytesKey key = new BytesKey(descriptor.digest(), check);
    ProvenBytes proven =
        bytesProven.get(
            key, () -> new ProvenBytes(repository, check(repository, descriptor, check)));
    if (proven.repository().equals(repository)) {
      return proven.lookup();
    }
    Lookup link = check(repository, descriptor, BlobCheck.HEAD);
    return switch (proven.lookup()) {
      // Linked here, and its bytes served (or hashed) by the registry in another repository.
      case Lookup.Found bytes when link instanceof Lookup.Found here ->
          new Lookup.Found(
              here.status(),
              here.mediaType(),
              here.size(),
              bytes.proof() == Proof.HASHED ? bytes.reportedDigest() : here.reportedDigest(),
              Optional.empty(),
              concat(here.notes(), "bytes proven once for the run, in " + proven.repository()),
              bytes.proof());
      case Lookup.Unserved lost when link instanceof Lookup.Found ->
          new Lookup.Unserved(
              link.status(), lost.reason() + " (its bytes, read in " + proven.repository() + ")");
      // Not linked here: that is this repository's own answer.
      default -> link instanceof Lookup.Found ? check(repository, descriptor, check) : link;
    };
  }

  private static List<String> concat(List<String> notes, String note) {
    List<String> all = new ArrayList<>(notes);
    all.add(note);
    return all;
  }

  private Lookup check(String repository, Descriptor descriptor, BlobCheck check) {
    return answers.get(
        new BlobKey(repository, descriptor.digest(), check),
        () ->
            walking
                .gate()
                .ask(
                    () -> {
                      if (check == BlobCheck.CONTENT) {
                        walking.transfer().planned(descriptor.size());
                      }
                      return walking.source().checkBlob(repository, descriptor.digest(), check);
                    }));
  }

  /**
   * Where the registry does not hold an external layer, its URL is what a client uses: asked only
   * under --check-external, and never with the registry's credentials.
   */
  private Optional<Lookup> externalAnswer(Descriptor descriptor) {
    if (!walking.policy().has(WalkPolicy.Option.CHECK_EXTERNAL)) {
      return Optional.empty();
    }
    return Optional.of(
        externals.get(
            descriptor.digest(),
            () -> walking.gate().ask(() -> walking.source().checkExternal(descriptor))));
  }

  /** Drops a finished repository's answers; what is proven for the run (bytes, URLs) stays. */
  void forget(String repository) {
    answers.forget(k -> k.repository().equals(repository));
  }

  private record BlobKey(String repository, Digest digest, BlobCheck check) {}

  private record BytesKey(Digest digest, BlobCheck check) {}

  /** A digest's bytes as the first repository to reach it in this run found them. */
  private record ProvenBytes(String repository, Lookup lookup) {}
}
