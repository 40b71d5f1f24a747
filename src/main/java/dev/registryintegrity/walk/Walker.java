package dev.registryintegrity.walk;

import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.model.References;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Walks every digest an image references: index -> child manifests (attestations too) -> configs
 * and layers, nested indexes and OCI subjects, through a {@link ContentSource}. What a manifest
 * references is {@link References}' one rule; this class keeps the recursion, and hands requests to
 * the {@link RequestGate}, blobs to {@link BlobProof} and referrers to {@link ReferrerExpansion}.
 *
 * <p>Knows nothing about HTTP. Each manifest body is read once and each blob asked about once per
 * repository, however many parents or tags share it ({@link Memo}); requests run concurrently up to
 * {@link WalkLimits#concurrency()}, so a wide image costs about (depth x round trip), not (digests
 * x round trip). One walker serves many images of one source and shares their work.
 */
public final class Walker implements AutoCloseable {
  private final Walking walking;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final BlobProof blobs;
  private final ReferrerExpansion referrers;
  private final ManifestParser parser = new ManifestParser();
  private final Judge judge;
  private final Memo<Key, ManifestRead> manifests = new Memo<>();
  private final Memo<Key, Lookup> manifestChecks = new Memo<>();
  private final Memo<ChildrenKey, List<Node>> children = new Memo<>();

  public Walker(ContentSource source, WalkLimits limits, WalkPolicy policy) {
    this(source, limits, policy, Deadline.none(), new Transfer());
  }

  /**
   * @param deadline after it passes, nothing more is asked: each digest not yet checked is reported
   *     as could-not-check, so the report says where the run stopped
   * @param transfer told the size of every blob this walk downloads whole, for a progress line
   */
  public Walker(
      ContentSource source,
      WalkLimits limits,
      WalkPolicy policy,
      Deadline deadline,
      Transfer transfer) {
    this.walking =
        new Walking(
            source,
            limits,
            policy,
            new RequestGate(limits.concurrency(), deadline, transfer),
            deadline,
            transfer);
    this.judge = new Judge(limits, policy);
    this.blobs = new BlobProof(walking);
    this.referrers =
        new ReferrerExpansion(
            walking, (repository, digest) -> read(new Key(repository, digest)).manifest());
  }

  public ContentSource source() {
    return walking.source();
  }

  /** The source's notes, then the walk's own: what was ignored and why. */
  public List<String> notes() {
    List<String> all = new ArrayList<>(walking.source().notes());
    all.addAll(referrers.notes());
    return all;
  }

  /**
   * Resolves {@code reference} (a tag or a digest) in {@code repository} and walks everything it
   * references. Never throws for what it finds; every finding is in the result.
   */
  public ImageResult walk(
      String displayName, String repository, ManifestRef reference, Expectations expectations) {
    Lookup answer = fetch(repository, reference);
    Optional<Digest> requested = reference.asDigest();
    Node root =
        switch (answer) {
          case Lookup.Found found ->
              withCosignSubject(repository, reference, walkRoot(repository, requested, found));
          case Lookup.Absent absent ->
              Node.tag()
                  .digest(absent.digest())
                  .status(absent.status())
                  .finding(new Finding.Missing(absent.code(), absent.message()))
                  .build();
          case Lookup.Unavailable unavailable ->
              Node.tag()
                  .status(unavailable.status())
                  .finding(new Finding.Unreachable(unavailable.reason()))
                  .build();
          case Lookup.Unserved unserved ->
              Node.tag()
                  .status(unserved.status())
                  .finding(new Finding.DataMissing(unserved.reason()))
                  .build();
          case Lookup.TooLarge tooLarge ->
              Node.tag()
                  .status(tooLarge.status())
                  .finding(Judge.tooLarge(tooLarge.limit()))
                  .build();
        };
    return new ImageResult(
        displayName,
        walking.source().origin(),
        root,
        ExpectationCheck.findings(root, rootManifest(repository, root), expectations));
  }

  private Node walkRoot(String repository, Optional<Digest> requested, Lookup.Found found) {
    byte[] body = found.body().orElse(new byte[0]);
    // A tag has no digest of its own: trust the registry's Docker-Content-Digest when it sends
    // one (it is what "docker pull" records), and prove it against the body below.
    Digest digest = requested.or(found::reportedDigest).orElseGet(() -> Digest.sha256Of(body));
    ManifestRead read = parse(found);
    String mediaType = read.manifest().map(Manifest::mediaType).orElse(found.mediaType());
    Descriptor descriptor = Descriptor.of(mediaType, digest, body.length);
    // The body in hand is this digest's read: whoever reaches the digest again uses it.
    ManifestRead root = manifests.get(new Key(repository, digest), () -> read);
    Kind kind = MediaTypes.isIndex(mediaType) ? Kind.INDEX : Kind.MANIFEST;
    return visitManifest(
        repository, descriptor, kind, Optional.empty(), List.of(), 0, Optional.empty(), root);
  }

  /**
   * A manifest under a cosign tag names no subject; the tag does. Checking that manifest is still
   * there is how a signature left behind by retention is told from a live one.
   */
  private Node withCosignSubject(String repository, ManifestRef reference, Node root) {
    Optional<Digest> subject =
        reference instanceof ManifestRef.Tag tag
            ? CosignTags.subjectOf(tag.name())
            : Optional.empty();
    if (subject.isEmpty() || root.finding().verdict() != Verdict.OK) {
      return root;
    }
    Lookup lookup = checkManifestOnce(repository, subject.get());
    List<Node> below = new ArrayList<>(root.children());
    below.add(
        Node.of(Kind.SUBJECT, Descriptor.of("", subject.get(), -1))
            .platform(root.platform())
            .status(lookup.status())
            .finding(judge.namedSubject(subject.get(), lookup))
            .build());
    return root.toBuilder().children(below).build();
  }

  /** The tag's own manifest, parsed, when the walk read one. */
  private Optional<Manifest> rootManifest(String repository, Node root) {
    return root.digest()
        .map(d -> manifests.asked(new Key(repository, d)))
        .flatMap(read -> read == null ? Optional.empty() : read.join().manifest());
  }

  /**
   * @param referrerRole for a referrer, how it was found ("signature" from a cosign tag, or "")
   * @param read the manifest's body when it is in hand already (a tag's root); else null
   */
  private Node visitManifest(
      String repository,
      Descriptor descriptor,
      Kind kind,
      Optional<String> platform,
      List<Digest> ancestors,
      int depth,
      Optional<String> referrerRole,
      ManifestRead read) {
    Digest digest = descriptor.digest();
    Node.Builder node = Node.of(kind, descriptor).platform(platform);
    if (ancestors.contains(digest)) {
      return node.finding(
              new Finding.LimitExceeded(
                  "cycle: " + digest + " references itself through its children"))
          .build();
    }
    if (depth > walking.limits().maxDepth()) {
      return node.finding(
              new Finding.LimitExceeded(
                  "nested deeper than " + walking.limits().maxDepth() + " levels; not walked"))
          .build();
    }
    Key key = new Key(repository, digest);
    ManifestRead manifest = read != null ? read : read(key);
    Finding finding =
        judge.manifest(descriptor, manifest.lookup(), manifest.manifest(), manifest.parseError());
    node.status(manifest.lookup().status()).finding(finding);
    if (manifest.manifest().isPresent() && Judge.trusted(finding)) {
      List<Digest> lineage = new ArrayList<>(ancestors);
      lineage.add(digest);
      Manifest parsed = manifest.manifest().get();
      // Children carry the platform they serve, so a manifest shared by two platforms' parents
      // (an identical attestation, say) is expanded once per platform, fetched once in all.
      node.children(
          children.get(
              new ChildrenKey(key, platform),
              () -> walkChildren(repository, parsed, platform, lineage, depth)));
    }
    referrerRole.ifPresent(
        role ->
            node.artifactType(ReferrerKinds.artifactType(descriptor, manifest.manifest(), role)));
    return node.build();
  }

  private List<Node> walkChildren(
      String repository,
      Manifest manifest,
      Optional<String> platform,
      List<Digest> lineage,
      int depth) {
    List<Future<Node>> pending = new ArrayList<>();
    References references = References.of(manifest);
    for (References.Reference child : references.children()) {
      // An attestation is labelled with the image it attests, never with its parent's platform.
      Optional<String> serves =
          child.kind() == Kind.ATTESTATION
              ? child.platform().map(Platform::toString)
              : child.platform().map(Platform::toString).or(() -> platform);
      pending.add(
          executor.submit(
              () ->
                  child.kind().isManifest()
                      ? visitManifest(
                          repository,
                          child.descriptor(),
                          child.kind(),
                          serves,
                          lineage,
                          depth + 1,
                          Optional.empty(),
                          null)
                      : blobs.visit(repository, child.descriptor(), child.kind(), platform)));
    }
    // A referrer's subject is the manifest it was found under: walked already.
    references
        .subject()
        .filter(subject -> !lineage.contains(subject.digest()))
        .ifPresent(
            subject ->
                pending.add(
                    executor.submit(
                        () -> visitSubject(repository, subject.descriptor(), platform))));
    List<Node> nodes = new ArrayList<>(pending.size());
    if (walking.policy().referrers()) {
      Digest self = lineage.get(lineage.size() - 1);
      switch (referrers.of(repository, self)) {
        case ReferrerLookup.Found found -> {
          for (Referrer r : found.referrers()) {
            pending.add(
                executor.submit(
                    () ->
                        referrers.namesSubject(repository, r, self)
                            ? visitManifest(
                                repository,
                                r.descriptor(),
                                ReferrerExpansion.kind(r),
                                platform,
                                lineage,
                                depth + 1,
                                Optional.of(r.role().orElse("")),
                                null)
                            : null));
          }
        }
        case ReferrerLookup.Unavailable u ->
            nodes.add(
                Node.builder(Kind.REFERRER)
                    .platform(platform)
                    .status(u.status())
                    .finding(new Finding.Unreachable(u.reason()))
                    .build());
      }
    }
    for (Future<Node> future : pending) {
      Node node = Futures.join(future, "walk failed");
      if (node != null) {
        nodes.add(node);
      }
    }
    return nodes;
  }

  private Node visitSubject(String repository, Descriptor descriptor, Optional<String> platform) {
    Lookup lookup = checkManifestOnce(repository, descriptor.digest());
    return Node.of(Kind.SUBJECT, descriptor)
        .platform(platform)
        .status(lookup.status())
        .finding(judge.subject(descriptor, lookup))
        .build();
  }

  private Lookup checkManifestOnce(String repository, Digest digest) {
    return manifestChecks.get(
        new Key(repository, digest),
        () -> walking.gate().ask(() -> walking.source().checkManifest(repository, digest)));
  }

  private ManifestRead read(Key key) {
    return manifests.get(key, () -> parse(fetch(key.repository(), ManifestRef.of(key.digest()))));
  }

  /** A manifest's body, through the gate, at most the limit's bytes. */
  private Lookup fetch(String repository, ManifestRef reference) {
    int max = walking.limits().maxManifestBytes();
    return walking.gate().ask(() -> walking.source().fetchManifest(repository, reference, max));
  }

  private ManifestRead parse(Lookup lookup) {
    if (!(lookup instanceof Lookup.Found found) || found.body().isEmpty()) {
      return new ManifestRead(lookup, Optional.empty(), Optional.empty());
    }
    byte[] body = found.body().get();
    try {
      return new ManifestRead(
          lookup, Optional.of(parser.parse(body, found.mediaType())), Optional.empty());
    } catch (MalformedManifestException e) {
      return new ManifestRead(lookup, Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  /**
   * Drops what this walker remembers of a repository whose walks are all done, so a sweep of a
   * whole registry holds the repositories in flight rather than every one it has seen. What is
   * proven for the run (each digest's bytes, external URLs) stays.
   */
  public void forget(String repository) {
    manifests.forget(k -> k.repository().equals(repository));
    manifestChecks.forget(k -> k.repository().equals(repository));
    children.forget(k -> k.manifest().repository().equals(repository));
    blobs.forget(repository);
    referrers.forget(repository);
    walking.source().forget(repository);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    walking.gate().close();
  }

  private record Key(String repository, Digest digest) {}

  private record ChildrenKey(Key manifest, Optional<String> platform) {}

  private record ManifestRead(
      Lookup lookup, Optional<Manifest> manifest, Optional<String> parseError) {}
}
