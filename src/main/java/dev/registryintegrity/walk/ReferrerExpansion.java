package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A manifest's referrers (signatures, SBOMs, attestations) as the walk follows them: listed once
 * per manifest and repository, each given its kind, and one found only by name (a fallback tag)
 * counted only when its own manifest names the subject.
 */
final class ReferrerExpansion {
  private final Walking walking;
  private final BiFunction<String, Digest, Optional<Manifest>> manifests;
  private final Memo<Key, ReferrerLookup> lists = new Memo<>();

  /** Facts worth a line in the report (ignored referrer tags); each said once. */
  private final Set<String> notes = Collections.synchronizedSet(new LinkedHashSet<>());

  /**
   * @param manifests a manifest of a repository by digest, read once for the whole walk
   */
  ReferrerExpansion(Walking walking, BiFunction<String, Digest, Optional<Manifest>> manifests) {
    this.walking = walking;
    this.manifests = manifests;
  }

  /** The referrers of {@code subject}, listed once for the run. */
  ReferrerLookup of(String repository, Digest subject) {
    ReferrerLookup found =
        lists.get(
            new Key(repository, subject),
            () ->
                walking.gate().askReferrers(() -> walking.source().referrers(repository, subject)));
    if (found instanceof ReferrerLookup.Found f) {
      notes.addAll(f.notes());
    }
    return found;
  }

  /** Signature, SBOM, attestation or plain referrer, from how it was found or its type. */
  static Kind kind(Referrer referrer) {
    return ReferrerKinds.kind(
        referrer.role().orElse(""), referrer.descriptor().artifactType().orElse(""));
  }

  /**
   * A fallback tag is only a name: any registry can hold a {@code sha256-<hex>} tag that points to
   * an ordinary index. An entry found there counts as a referrer only if its own manifest names
   * {@code subject}; one that cannot be read is kept, so a referrer whose manifest is gone still
   * fails.
   */
  boolean namesSubject(String repository, Referrer referrer, Digest subject) {
    if (!referrer.mustNameSubject()) {
      return true;
    }
    Optional<Manifest> manifest = manifests.apply(repository, referrer.descriptor().digest());
    boolean names =
        manifest.isEmpty()
            || manifest.get().subject().map(d -> d.digest().equals(subject)).orElse(false);
    if (!names) {
      notes.add(
          referrer.via()
              + " lists "
              + referrer.descriptor().digest()
              + ", which does not name "
              + subject
              + " as its subject: not counted as a referrer");
    }
    return names;
  }

  List<String> notes() {
    synchronized (notes) {
      return new ArrayList<>(notes);
    }
  }

  void forget(String repository) {
    lists.forget(k -> k.repository().equals(repository));
  }

  private record Key(String repository, Digest subject) {}
}
