package dev.registryintegrity.heal;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.model.References;
import dev.registryintegrity.registry.PushResult;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.transport.AccessRefusedException;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Puts back what a walk found missing in one registry, by digest, from the donors in order.
 *
 * <p>Children go before parents (a registry refuses a manifest whose references it lacks), a
 * manifest is pushed under its digest only, a blob is committed only when the bytes hash to it, and
 * nothing is ever deleted or tagged. A manifest found in a donor is read for its own references, so
 * the children of a child that was missing are put back in the same pass.
 */
public final class Healer {
  /**
   * @param dryRun ask the donors and make the plan; write nothing
   * @param concurrency blobs moved at once
   */
  public record Settings(boolean dryRun, int concurrency, int maxManifestBytes) {}

  private final RegistryClient target;
  private final List<Donor> donors;
  private final Settings settings;
  private final Donor.Transfer transfer;
  private final ManifestParser parser = new ManifestParser();
  private final Semaphore moving;
  private final Map<String, CompletableFuture<Restoration>> attempts = new ConcurrentHashMap<>();
  private final List<Restoration> done = Collections.synchronizedList(new ArrayList<>());

  public Healer(
      RegistryClient target, List<Donor> donors, Settings settings, Donor.Transfer transfer) {
    this.target = target;
    this.donors = List.copyOf(donors);
    this.settings = settings;
    this.transfer = transfer;
    this.moving = new Semaphore(Math.max(1, settings.concurrency()));
  }

  /** The findings heal can cure: the content is not there (or its bytes are not). */
  public static boolean healable(Finding finding) {
    return finding instanceof Finding.Missing || finding instanceof Finding.DataMissing;
  }

  /**
   * Restores every healable digest of {@code walked} (an image of {@code repository}) not tried
   * before by this healer; returns what became of each digest handled, children found on the way
   * included, in the order they were settled.
   */
  public List<Restoration> heal(String repository, ImageResult walked) {
    Map<Digest, Node> broken = new LinkedHashMap<>();
    Graphs.forEachUnique(
        walked.root(),
        (node, path) -> {
          if (node.digest().isPresent() && healable(node.finding())) {
            broken.putIfAbsent(node.digest().get(), node);
          }
        });
    int before = done.size();
    List<Wanted> wanted = new ArrayList<>();
    broken
        .values()
        .forEach(
            n ->
                wanted.add(
                    new Wanted(
                        n.kind(),
                        new Descriptor(
                            n.mediaType(),
                            n.digest().get(),
                            n.size(),
                            Optional.empty(),
                            Map.of(),
                            Optional.empty()),
                        n.platform())));
    all(repository, wanted);
    synchronized (done) {
      return List.copyOf(done.subList(before, done.size()));
    }
  }

  /** One digest to put back, as its parent describes it. */
  private record Wanted(Kind kind, Descriptor descriptor, Optional<String> platform) {}

  private List<Restoration> all(String repository, List<Wanted> wanted) {
    if (wanted.size() == 1) {
      return List.of(restore(repository, wanted.get(0)));
    }
    try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Restoration>> pending = new ArrayList<>();
      for (Wanted w : wanted) {
        pending.add(each.submit(() -> restore(repository, w)));
      }
      List<Restoration> results = new ArrayList<>();
      for (Future<Restoration> f : pending) {
        results.add(join(f));
      }
      return results;
    }
  }

  private static Restoration join(Future<Restoration> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotCheckException("interrupted while healing");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Each (repository, digest) is settled once, whoever asks first; the others wait for it. */
  private Restoration restore(String repository, Wanted wanted) {
    String key = repository + "@" + wanted.descriptor().digest();
    CompletableFuture<Restoration> mine = new CompletableFuture<>();
    CompletableFuture<Restoration> existing = attempts.putIfAbsent(key, mine);
    if (existing != null) {
      return existing.join();
    }
    try {
      Restoration r =
          wanted.kind().isManifest()
              ? restoreManifest(repository, wanted)
              : restoreBlob(repository, wanted);
      done.add(r);
      mine.complete(r);
      return r;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private Restoration restoreManifest(String repository, Wanted wanted) {
    Descriptor d = wanted.descriptor();
    List<String> lookedIn = new ArrayList<>();
    byte[] bytes = null;
    String from = null;
    for (Donor donor : donors) {
      Donor.Answer<byte[]> answer;
      try {
        answer = donor.manifest(d.digest(), settings.maxManifestBytes());
      } catch (CannotCheckException e) {
        lookedIn.add(donor.describe() + ": could not ask (" + e.getMessage() + ")");
        continue;
      }
      if (answer.value().isEmpty()) {
        lookedIn.add(donor.describe() + ": " + answer.why());
        continue;
      }
      byte[] found = answer.value().get();
      Digest actual = d.digest().finish(hashed(d.digest(), found));
      if (!actual.equals(d.digest()) || (d.size() >= 0 && found.length != d.size())) {
        lookedIn.add(
            donor.describe()
                + ": served wrong bytes ("
                + found.length
                + " bytes hashing to "
                + actual
                + ")");
        continue;
      }
      bytes = found;
      from = donor.describe();
      break;
    }
    if (bytes == null) {
      return new Restoration(
          wanted.kind(), d, wanted.platform(), new Restoration.StillMissing(nowhere()), lookedIn);
    }
    Manifest manifest;
    try {
      manifest = parser.parse(bytes, d.mediaType());
    } catch (MalformedManifestException e) {
      return new Restoration(
          wanted.kind(),
          d,
          wanted.platform(),
          new Restoration.StillMissing(
              "the bytes "
                  + from
                  + " holds under this digest are not a manifest: "
                  + e.getMessage()),
          lookedIn);
    }
    List<Wanted> absent = new ArrayList<>();
    for (Wanted child : children(manifest, wanted.platform())) {
      if (!present(repository, child)) {
        absent.add(child);
      }
    }
    List<Restoration> children = all(repository, absent);
    List<Restoration> unsettled = children.stream().filter(r -> !r.ok()).toList();
    if (!unsettled.isEmpty()) {
      boolean couldNotCheck =
          unsettled.stream()
              .anyMatch(r -> r.outcome() instanceof Restoration.NotPushed n && n.couldNotCheck());
      String why =
          (settings.dryRun() ? "would not be pushed: " : "not pushed: ")
              + unsettled.size()
              + " of the digests it references "
              + (unsettled.size() == 1 ? "stays" : "stay")
              + " missing (the registry refuses a manifest whose references it lacks)";
      return new Restoration(
          wanted.kind(),
          d,
          wanted.platform(),
          couldNotCheck ? new Restoration.NotPushed(why, true) : new Restoration.StillMissing(why),
          lookedIn);
    }
    if (settings.dryRun()) {
      return new Restoration(
          wanted.kind(), d, wanted.platform(), new Restoration.Planned(from, "push"), lookedIn);
    }
    String mediaType = manifest.mediaType().isEmpty() ? d.mediaType() : manifest.mediaType();
    PushResult pushed;
    try {
      pushed = target.pushManifest(repository, d.digest(), mediaType, bytes);
    } catch (AccessRefusedException e) {
      throw e;
    } catch (CannotCheckException e) {
      return new Restoration(
          wanted.kind(),
          d,
          wanted.platform(),
          new Restoration.NotPushed(e.getMessage(), true),
          lookedIn);
    }
    Restoration.Outcome outcome =
        switch (pushed) {
          case PushResult.Done ok -> new Restoration.Restored(from, "push");
          case PushResult.Refused r ->
              new Restoration.NotPushed(
                  "the registry refused the manifest: "
                      + r.status()
                      + (r.reason().isEmpty() ? "" : " " + r.reason()),
                  false);
          case PushResult.NotMounted n -> new Restoration.NotPushed(n.status(), false);
          case PushResult.WrongBytes w -> new Restoration.NotPushed("wrong bytes", false);
        };
    return new Restoration(wanted.kind(), d, wanted.platform(), outcome, lookedIn);
  }

  private Restoration restoreBlob(String repository, Wanted wanted) {
    Descriptor d = wanted.descriptor();
    List<String> lookedIn = new ArrayList<>();
    Optional<Restoration.NotPushed> refused = Optional.empty();
    for (Donor donor : donors) {
      try {
        Donor.Answer<String> held = donor.holds(d);
        if (held.value().isEmpty()) {
          lookedIn.add(donor.describe() + ": " + held.why());
          continue;
        }
        if (settings.dryRun()) {
          return new Restoration(
              wanted.kind(),
              d,
              wanted.platform(),
              new Restoration.Planned(donor.describe(), held.value().get()),
              lookedIn);
        }
        Donor.Given given = move(donor, d, repository);
        if (given.done()) {
          return new Restoration(
              wanted.kind(),
              d,
              wanted.platform(),
              new Restoration.Restored(donor.describe(), given.method()),
              lookedIn);
        }
        String why =
            given
                .result()
                .map(
                    r ->
                        switch (r) {
                          case PushResult.WrongBytes w ->
                              "sent wrong bytes ("
                                  + w.size()
                                  + " bytes hashing to "
                                  + w.actual()
                                  + "): the upload was abandoned, nothing committed";
                          case PushResult.Refused f ->
                              "the registry refused the "
                                  + given.method()
                                  + ": "
                                  + f.status()
                                  + (f.reason().isEmpty() ? "" : " " + f.reason());
                          case PushResult.NotMounted n -> "not mounted (" + n.status() + ")";
                          case PushResult.Done ok -> "";
                        })
                .orElse(given.why());
        if (given.result().orElse(null) instanceof PushResult.Refused) {
          refused = Optional.of(new Restoration.NotPushed(why, false));
        }
        lookedIn.add(donor.describe() + ": " + why);
      } catch (AccessRefusedException e) {
        if (e.write()) {
          throw e;
        }
        lookedIn.add(donor.describe() + ": " + e.getMessage());
      } catch (CannotCheckException e) {
        lookedIn.add(donor.describe() + ": could not ask (" + e.getMessage() + ")");
        refused = Optional.of(new Restoration.NotPushed(e.getMessage(), true));
      }
    }
    Restoration.Outcome outcome =
        refused.isPresent() ? refused.get() : new Restoration.StillMissing(nowhere());
    return new Restoration(wanted.kind(), d, wanted.platform(), outcome, lookedIn);
  }

  private Donor.Given move(Donor donor, Descriptor d, String repository) {
    try {
      moving.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotCheckException("interrupted while healing");
    }
    try {
      return donor.give(d, target, repository, transfer);
    } finally {
      moving.release();
    }
  }

  private String nowhere() {
    return donors.isEmpty() ? "no source given (--from)" : "no source holds it";
  }

  /** What a pull of the manifest needs, each labelled with the platform it serves. */
  private static List<Wanted> children(Manifest manifest, Optional<String> platform) {
    return References.of(manifest).pulled().stream()
        .map(
            r ->
                new Wanted(
                    r.kind(),
                    r.descriptor(),
                    r.platform().map(Platform::toString).or(() -> platform)))
        .toList();
  }

  private boolean present(String repository, Wanted child) {
    Lookup answer =
        child.kind().isManifest()
            ? target.checkManifest(repository, child.descriptor().digest())
            : target.checkBlob(repository, child.descriptor().digest(), BlobCheck.READ);
    return answer instanceof Lookup.Found || answer instanceof Lookup.TooLarge;
  }

  private static java.security.MessageDigest hashed(Digest digest, byte[] bytes) {
    java.security.MessageDigest hasher = digest.newHasher();
    hasher.update(bytes);
    return hasher;
  }
}
