package dev.registryintegrity.walk;

import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Walks every digest an image references: index -> child manifests (attestations too) -> configs
 * and layers, nested indexes and OCI subjects, through a {@link ContentSource}.
 *
 * <p>Knows nothing about HTTP. Each manifest body is read once and each blob asked about once per
 * repository, however many parents or tags share it; requests run concurrently up to {@link
 * WalkLimits#concurrency()}, so a wide image costs about (depth x round trip), not (digests x round
 * trip). One walker serves many images of one source and shares their work.
 */
public final class Walker implements AutoCloseable {
  private final ContentSource source;
  private final WalkLimits limits;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /**
   * The source's requests run here, on platform threads, while the walk's many waiting tasks stay
   * virtual: socket I/O on a virtual thread starts the JDK's I/O poller, whose thread sits in
   * native code and makes every exit of the JVM wait 300 ms for it (measured, JDK 25).
   */
  private final ExecutorService requests;

  private final ManifestParser parser = new ManifestParser();
  private final Judge judge;
  private final Map<Key, CompletableFuture<ManifestRead>> manifests = new ConcurrentHashMap<>();
  private final Map<BlobKey, CompletableFuture<Lookup>> blobs = new ConcurrentHashMap<>();
  private final Map<Key, CompletableFuture<Lookup>> manifestChecks = new ConcurrentHashMap<>();
  private final Map<ChildrenKey, CompletableFuture<List<Node>>> children =
      new ConcurrentHashMap<>();
  private final Map<Key, CompletableFuture<ReferrerLookup>> referrerLists =
      new ConcurrentHashMap<>();
  private final Map<Digest, CompletableFuture<Lookup>> externals = new ConcurrentHashMap<>();
  private final Map<BytesKey, CompletableFuture<ProvenBytes>> bytesProven =
      new ConcurrentHashMap<>();

  /** Facts about the walk worth a line in the report (ignored referrer tags); each said once. */
  private final java.util.Set<String> notes =
      java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

  private final Deadline deadline;
  private final Transfer transfer;

  public Walker(ContentSource source, WalkLimits limits) {
    this(source, limits, Deadline.none());
  }

  public Walker(ContentSource source, WalkLimits limits, Deadline deadline) {
    this(source, limits, deadline, new Transfer());
  }

  /**
   * @param deadline after it passes, nothing more is asked: each digest not yet checked is reported
   *     as could-not-check, so the report says where the run stopped
   * @param transfer told the size of every blob this walk downloads whole, for a progress line
   */
  public Walker(ContentSource source, WalkLimits limits, Deadline deadline, Transfer transfer) {
    this.source = source;
    this.limits = limits;
    this.judge = new Judge(limits);
    this.requests =
        Executors.newFixedThreadPool(
            limits.concurrency(), Thread.ofPlatform().daemon().name("request-", 0).factory());
    this.deadline = deadline;
    this.transfer = transfer;
  }

  public ContentSource source() {
    return source;
  }

  /** The source's notes, then the walk's own: what was ignored and why. */
  public List<String> notes() {
    List<String> all = new ArrayList<>(source.notes());
    synchronized (notes) {
      all.addAll(notes);
    }
    return all;
  }

  /**
   * Resolves {@code reference} (a tag or a digest) in {@code repository} and walks everything it
   * references. Never throws for what it finds; every finding is in the result.
   */
  public ImageResult walk(
      String displayName, String repository, String reference, Expectations expectations) {
    Lookup answer =
        limited(() -> source.fetchManifest(repository, reference, limits.maxManifestBytes()));
    Optional<Digest> requested = parseDigestReference(reference);
    Node root =
        switch (answer) {
          case Lookup.Found found ->
              withCosignSubject(repository, reference, walkRoot(repository, requested, found));
          case Lookup.Absent absent ->
              new Node(
                  Kind.TAG,
                  absent.digest(),
                  -1,
                  "",
                  Optional.empty(),
                  absent.status(),
                  new Finding.Missing(absent.code(), absent.message()),
                  List.of());
          case Lookup.Unavailable unavailable ->
              tagNode(unavailable.status(), new Finding.Unreachable(unavailable.reason()));
          case Lookup.Unserved unserved ->
              tagNode(unserved.status(), new Finding.DataMissing(unserved.reason()));
          case Lookup.TooLarge tooLarge ->
              tagNode(tooLarge.status(), Judge.tooLarge(tooLarge.limit()));
        };
    return new ImageResult(
        displayName,
        source.describe(),
        root,
        ExpectationCheck.findings(root, rootManifest(repository, root), expectations));
  }

  private Node walkRoot(String repository, Optional<Digest> requested, Lookup.Found found) {
    byte[] body = found.body().orElse(new byte[0]);
    // A tag has no digest of its own: trust the registry's Docker-Content-Digest when it sends
    // one (it is what "docker pull" records), and prove it against the body below.
    Digest digest = requested.or(found::reportedDigest).orElseGet(() -> Digest.sha256Of(body));
    ManifestRead read = read(found);
    String mediaType = read.manifest().map(Manifest::mediaType).orElse(found.mediaType());
    Descriptor descriptor = Descriptor.of(mediaType, digest, body.length);
    manifests.putIfAbsent(new Key(repository, digest), CompletableFuture.completedFuture(read));
    Kind kind = MediaTypes.isIndex(mediaType) ? Kind.INDEX : Kind.MANIFEST;
    return visitManifest(
        repository, descriptor, kind, Optional.empty(), List.of(), 0, Optional.empty());
  }

  /**
   * A manifest under a cosign tag names no subject; the tag does. Checking that manifest is still
   * there is how a signature left behind by retention is told from a live one.
   */
  private Node withCosignSubject(String repository, String reference, Node root) {
    Optional<Digest> subject = CosignTags.subjectOf(reference);
    if (subject.isEmpty() || root.finding().verdict() != Verdict.OK) {
      return root;
    }
    Lookup lookup = checkManifestOnce(repository, subject.get());
    Finding finding = judge.namedSubject(subject.get(), lookup);
    List<Node> children = new ArrayList<>(root.children());
    children.add(
        new Node(
            Kind.SUBJECT, subject, -1, "", root.platform(), lookup.status(), finding, List.of()));
    return new Node(
        root.kind(),
        root.digest(),
        root.size(),
        root.mediaType(),
        root.platform(),
        root.status(),
        root.finding(),
        children,
        root.artifactType());
  }

  /** The tag's own manifest, parsed, when the walk read one. */
  private Optional<Manifest> rootManifest(String repository, Node root) {
    return root.digest()
        .map(d -> manifests.get(new Key(repository, d)))
        .flatMap(read -> read == null ? Optional.empty() : read.join().manifest());
  }

  /**
   * @param referrerRole for a referrer, how it was found ("signature" from a cosign tag, or "")
   */
  private Node visitManifest(
      String repository,
      Descriptor descriptor,
      Kind kind,
      Optional<String> platform,
      List<Digest> ancestors,
      int depth,
      Optional<String> referrerRole) {
    Digest digest = descriptor.digest();
    if (ancestors.contains(digest)) {
      return node(
          kind,
          descriptor,
          platform,
          "-",
          new Finding.LimitExceeded("cycle: " + digest + " references itself through its children"),
          List.of());
    }
    if (depth > limits.maxDepth()) {
      return node(
          kind,
          descriptor,
          platform,
          "-",
          new Finding.LimitExceeded(
              "nested deeper than " + limits.maxDepth() + " levels; not walked"),
          List.of());
    }
    Key key = new Key(repository, digest);
    ManifestRead read = readManifest(key);
    Finding finding = judge.manifest(descriptor, read.lookup(), read.manifest(), read.parseError());
    List<Node> below = List.of();
    if (read.manifest().isPresent() && Judge.trusted(finding)) {
      List<Digest> lineage = new ArrayList<>(ancestors);
      lineage.add(digest);
      Manifest manifest = read.manifest().get();
      // Children carry the platform they serve, so a manifest shared by two platforms' parents
      // (an identical attestation, say) is expanded once per platform, fetched once in all.
      below =
          once(
              children,
              new ChildrenKey(key, platform),
              () -> walkChildren(repository, manifest, platform, lineage, depth));
    }
    Node node = node(kind, descriptor, platform, read.lookup().status(), finding, below);
    return referrerRole.isEmpty()
        ? node
        : withArtifactType(
            node, ReferrerKinds.artifactType(descriptor, read.manifest(), referrerRole.get()));
  }

  private ManifestRead readManifest(Key key) {
    return manifests
        .computeIfAbsent(
            key,
            k ->
                async(
                    () ->
                        read(
                            limited(
                                () ->
                                    source.fetchManifest(
                                        k.repository(),
                                        k.digest().toString(),
                                        limits.maxManifestBytes())))))
        .join();
  }

  private static Node withArtifactType(Node n, String type) {
    return new Node(
        n.kind(),
        n.digest(),
        n.size(),
        n.mediaType(),
        n.platform(),
        n.status(),
        n.finding(),
        n.children(),
        Optional.of(type));
  }

  private List<Node> walkChildren(
      String repository,
      Manifest manifest,
      Optional<String> platform,
      List<Digest> lineage,
      int depth) {
    List<Future<Node>> pending = new ArrayList<>();
    switch (manifest) {
      case Manifest.Index index -> {
        if (index.manifests().size() > limits.maxIndexEntries()) {
          return List.of();
        }
        for (Descriptor child : index.manifests()) {
          Kind kind =
              child.isAttestation()
                  ? Kind.ATTESTATION
                  : MediaTypes.isIndex(child.mediaType()) ? Kind.INDEX : Kind.MANIFEST;
          Optional<String> label =
              kind == Kind.ATTESTATION
                  ? attestedPlatform(index, child)
                  : child.platform().map(Platform::toString).or(() -> platform);
          pending.add(
              executor.submit(
                  () ->
                      visitManifest(
                          repository, child, kind, label, lineage, depth + 1, Optional.empty())));
        }
      }
      case Manifest.Image image -> {
        image
            .config()
            .ifPresent(
                config ->
                    pending.add(
                        executor.submit(
                            () -> visitBlob(repository, config, Kind.CONFIG, platform))));
        for (Descriptor layer : image.layers()) {
          pending.add(executor.submit(() -> visitBlob(repository, layer, Kind.LAYER, platform)));
        }
      }
      case Manifest.Schema1 schema1 -> {}
      case Manifest.Opaque opaque -> {}
    }
    // A referrer's subject is the manifest it was found under: walked already.
    manifest
        .subject()
        .filter(subject -> !lineage.contains(subject.digest()))
        .ifPresent(
            subject ->
                pending.add(executor.submit(() -> visitSubject(repository, subject, platform))));
    List<Node> nodes = new ArrayList<>(pending.size());
    if (limits.referrers()) {
      Digest self = lineage.get(lineage.size() - 1);
      ReferrerLookup found =
          once(
              referrerLists,
              new Key(repository, self),
              () ->
                  deadline.passed()
                      ? new ReferrerLookup.Unavailable(
                          "-",
                          "not checked: "
                              + deadline.describe()
                              + " passed first "
                              + deadline.raise())
                      : limitedReferrers(repository, self));
      switch (found) {
        case ReferrerLookup.Found f -> {
          f.notes().forEach(notes::add);
          for (Referrer r : f.referrers()) {
            String role = r.role().orElse("");
            Kind kind = ReferrerKinds.kind(role, r.descriptor().artifactType().orElse(""));
            pending.add(
                executor.submit(
                    () ->
                        namesSubject(repository, r, self)
                            ? visitManifest(
                                repository,
                                r.descriptor(),
                                kind,
                                platform,
                                lineage,
                                depth + 1,
                                Optional.of(role))
                            : null));
          }
        }
        case ReferrerLookup.Unavailable u ->
            nodes.add(
                new Node(
                    Kind.REFERRER,
                    Optional.empty(),
                    -1,
                    "",
                    platform,
                    u.status(),
                    new Finding.Unreachable(u.reason()),
                    List.of()));
      }
    }
    for (Future<Node> future : pending) {
      Node node = join(future);
      if (node != null) {
        nodes.add(node);
      }
    }
    return nodes;
  }

  /**
   * A fallback tag is only a name: any registry can hold a {@code sha256-<hex>} tag that points to
   * an ordinary index. An entry found there counts as a referrer only if its own manifest names
   * {@code subject}; one that cannot be read is kept, so a referrer whose manifest is gone still
   * fails.
   */
  private boolean namesSubject(String repository, Referrer referrer, Digest subject) {
    if (!referrer.mustNameSubject()) {
      return true;
    }
    Optional<Manifest> manifest =
        readManifest(new Key(repository, referrer.descriptor().digest())).manifest();
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

  /** buildx names the manifest an attestation describes; show that manifest's platform. */
  private static Optional<String> attestedPlatform(Manifest.Index index, Descriptor attestation) {
    String attested = attestation.annotations().get("vnd.docker.reference.digest");
    return index.manifests().stream()
        .filter(d -> d.digest().toString().equals(attested))
        .findFirst()
        .flatMap(Descriptor::platform)
        .map(Platform::toString)
        .or(() -> attestation.platform().map(Platform::toString));
  }

  private Node visitBlob(
      String repository, Descriptor descriptor, Kind kind, Optional<String> platform) {
    BlobCheck check = limits.blobCheck();
    List<String> notes = new ArrayList<>();
    if (check == BlobCheck.READ
        && kind == Kind.CONFIG
        && descriptor.size() <= WalkLimits.CONFIG_HASH_LIMIT) {
      check = BlobCheck.CONTENT;
    }
    if (check == BlobCheck.CONTENT && descriptor.size() > limits.maxContentBytes()) {
      check = BlobCheck.READ;
      notes.add(
          "not hashed: "
              + descriptor.size()
              + " bytes is over the content limit of "
              + limits.maxContentBytes()
              + " ("
              + deadline.spelling().maxContentBytes()
              + "); first byte served only");
    }
    Lookup lookup = checkBlobBytesOnce(repository, descriptor, check);
    Finding finding = Judge.existence(descriptor, lookup);
    if (Judge.lawfullyAbsent(descriptor, finding)) {
      finding = Judge.external(descriptor, externalAnswer(descriptor));
    }
    if (finding instanceof Finding.Intact intact && !notes.isEmpty()) {
      notes.addAll(0, intact.notes());
      finding = new Finding.Intact(notes, intact.proof());
    }
    return node(kind, descriptor, platform, lookup.status(), finding, List.of());
  }

  /**
   * A blob's bytes are stored once per registry (content addressed); what each repository has of
   * its own is the link, which a HEAD shows as well as a GET. So the bytes of a digest are read (or
   * hashed) in the first repository that reaches it, and every other repository's reference is a
   * HEAD that borrows that proof: a digest whose bytes are not served fails wherever it is reached,
   * at the cost of one read per digest per run. --read-every-repository reads in each.
   */
  private Lookup checkBlobBytesOnce(String repository, Descriptor descriptor, BlobCheck check) {
    if (check == BlobCheck.HEAD || limits.readEveryRepository()) {
      return checkBlob(repository, descriptor, check);
    }
    BytesKey key = new BytesKey(descriptor.digest(), check);
    CompletableFuture<ProvenBytes> mine = new CompletableFuture<>();
    CompletableFuture<ProvenBytes> first = bytesProven.putIfAbsent(key, mine);
    if (first == null) {
      Lookup read = checkBlob(repository, descriptor, check);
      mine.complete(new ProvenBytes(repository, read));
      return read;
    }
    ProvenBytes proven = first.join();
    if (proven.repository().equals(repository)) {
      return proven.lookup();
    }
    Lookup link = checkBlob(repository, descriptor, BlobCheck.HEAD);
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
      default -> link instanceof Lookup.Found ? checkBlob(repository, descriptor, check) : link;
    };
  }

  private static List<String> concat(List<String> notes, String note) {
    List<String> all = new ArrayList<>(notes);
    all.add(note);
    return all;
  }

  private Lookup checkBlob(String repository, Descriptor descriptor, BlobCheck check) {
    return blobs
        .computeIfAbsent(
            new BlobKey(new Key(repository, descriptor.digest()), check),
            k ->
                async(
                    () ->
                        limited(
                            () -> {
                              if (check == BlobCheck.CONTENT) {
                                transfer.planned(descriptor.size());
                              }
                              return source.checkBlob(repository, descriptor.digest(), check);
                            })))
        .join();
  }

  /**
   * Where the registry does not hold an external layer, its URL is what a client uses: asked only
   * under --check-external, and never with the registry's credentials.
   */
  private Optional<Lookup> externalAnswer(Descriptor descriptor) {
    if (!limits.checkExternal()) {
      return Optional.empty();
    }
    return Optional.of(
        externals
            .computeIfAbsent(
                descriptor.digest(),
                d -> async(() -> limited(() -> source.checkExternal(descriptor))))
            .join());
  }

  private Node visitSubject(String repository, Descriptor descriptor, Optional<String> platform) {
    Lookup lookup = checkManifestOnce(repository, descriptor.digest());
    return node(
        Kind.SUBJECT,
        descriptor,
        platform,
        lookup.status(),
        judge.subject(descriptor, lookup),
        List.of());
  }

  private Lookup checkManifestOnce(String repository, Digest digest) {
    return manifestChecks
        .computeIfAbsent(
            new Key(repository, digest),
            k -> async(() -> limited(() -> source.checkManifest(repository, digest))))
        .join();
  }

  private ManifestRead read(Lookup lookup) {
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

  private static Node tagNode(String status, Finding finding) {
    return new Node(
        Kind.TAG, Optional.empty(), -1, "", Optional.empty(), status, finding, List.of());
  }

  private static Node node(
      Kind kind,
      Descriptor d,
      Optional<String> platform,
      String status,
      Finding finding,
      List<Node> children) {
    return new Node(
        kind,
        Optional.of(d.digest()),
        d.size(),
        d.mediaType(),
        platform,
        status,
        finding,
        children);
  }

  private static Optional<Digest> parseDigestReference(String reference) {
    return reference.contains(":") ? Optional.of(Digest.parse(reference)) : Optional.empty();
  }

  private ReferrerLookup limitedReferrers(String repository, Digest subject) {
    return onRequestThread(() -> source.referrers(repository, subject));
  }

  /** Runs a request on one of the source's request threads, if time is left. */
  private Lookup limited(Supplier<Lookup> request) {
    return onRequestThread(
        () -> {
          Lookup answer =
              deadline.passed()
                  ? new Lookup.Unavailable(
                      "-",
                      "not checked: " + deadline.describe() + " passed first " + deadline.raise())
                  : request.get();
          transfer.answered();
          return answer;
        });
  }

  private <T> T onRequestThread(Supplier<T> request) {
    Future<T> answer = requests.submit(request::get);
    try {
      return answer.get();
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("walk interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("request failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Computes {@code work} in the calling thread unless another thread already did or is doing it;
   * then waits for that result instead. Waiting cannot deadlock: only manifests whose body hashes
   * to their digest are walked, and such a graph cannot hold a cycle (the ancestor check in
   * visitManifest is a second guard for a source that cannot be trusted on that).
   */
  private static <K, T> T once(Map<K, CompletableFuture<T>> memo, K key, Supplier<T> work) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<T> theirs = memo.putIfAbsent(key, mine);
    if (theirs != null) {
      return theirs.join();
    }
    try {
      mine.complete(work.get());
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    }
    return mine.join();
  }

  private <T> CompletableFuture<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, executor);
  }

  private static Node join(Future<Node> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("walk interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("walk failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Drops what this walker remembers of a repository whose walks are all done, so a sweep of a
   * whole registry holds the repositories in flight rather than every one it has seen. What is
   * proven for the run (each digest's bytes, external URLs) stays.
   */
  public void forget(String repository) {
    manifests.keySet().removeIf(k -> k.repository().equals(repository));
    blobs.keySet().removeIf(k -> k.blob().repository().equals(repository));
    manifestChecks.keySet().removeIf(k -> k.repository().equals(repository));
    children.keySet().removeIf(k -> k.manifest().repository().equals(repository));
    referrerLists.keySet().removeIf(k -> k.repository().equals(repository));
  }

  @Override
  public void close() {
    executor.shutdownNow();
    requests.shutdownNow();
  }

  private record Key(String repository, Digest digest) {}

  private record BlobKey(Key blob, BlobCheck check) {}

  private record BytesKey(Digest digest, BlobCheck check) {}

  /** A digest's bytes as the first repository to reach it in this run found them. */
  private record ProvenBytes(String repository, Lookup lookup) {}

  private record ChildrenKey(Key manifest, Optional<String> platform) {}

  private record ManifestRead(
      Lookup lookup, Optional<Manifest> manifest, Optional<String> parseError) {}
}
