package dev.registryintegrity.storage;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.References;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.FileHash;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.WalkLimits;
import dev.registryintegrity.walk.WalkPolicy;
import dev.registryintegrity.walk.Walker;
import dev.registryintegrity.walk.Window;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a registry's storage offline the way verify checks it over HTTP: every tag of every
 * repository, walked through a {@link StorageSource}, plus what only storage shows (untagged
 * manifests, blobs nothing references) and, when asked, a repair that only ever adds links whose
 * bytes exist and verify.
 */
public final class Fsck {
  /** What a root holds besides its findings: information, never failures. */
  public record RootInfo(
      String root,
      int repositories,
      int tags,
      Map<String, List<Digest>> untagged,
      long unreferencedBlobs,
      List<Digest> unreferencedSample) {}

  /**
   * One link a repair adds.
   *
   * @param link its path in the storage root
   * @param where where the operator finds it: a file name or an s3:// URL
   * @param digest what it names
   */
  public record LinkOperation(String link, String where, Digest digest) {}

  public record Result(RunReport report, List<RootInfo> roots, List<LinkOperation> repairs) {}

  private final WalkLimits limits;
  private final boolean verifyContent;
  private final Clock clock;

  public Fsck(WalkLimits limits, boolean verifyContent, Clock clock) {
    this.limits = limits;
    this.verifyContent = verifyContent;
    this.clock = clock;
  }

  /** What a run does besides checking. */
  public enum Mode {
    CHECK,
    /** Finds the links a repair would add and shows the store as it would be; writes nothing. */
    PLAN_REPAIR,
    /** Adds the missing links whose bytes exist and verify. */
    REPAIR
  }

  /** Checks, and unless {@link Mode#CHECK} finds (and with {@link Mode#REPAIR} adds) links. */
  public Result run(List<StorageLayout> roots, Mode mode) {
    Instant started = clock.instant();
    List<ImageResult> images = new ArrayList<>();
    List<RootInfo> infos = new ArrayList<>();
    List<LinkOperation> repairs = new ArrayList<>();
    long reads = 0;
    for (StorageLayout layout : roots) {
      layout.readAllBlobs();
      StorageSource source = new StorageSource(layout, verifyContent);
      List<ImageResult> rootImages = walkAll(source);
      if (mode != Mode.CHECK) {
        // Each restored link can reveal the next level (a child manifest's configs and layers).
        for (int round = 0; round < limits.maxDepth() + 1; round++) {
          List<LinkOperation> next = repairable(layout, rootImages, repairs);
          if (next.isEmpty()) {
            break;
          }
          for (LinkOperation op : next) {
            if (mode == Mode.PLAN_REPAIR) {
              source.plan(op.link());
            } else {
              write(layout, op);
            }
          }
          repairs.addAll(next);
          rootImages = walkAll(source);
        }
      }
      images.addAll(rootImages);
      infos.add(info(layout, rootImages));
      reads += source.requestCount();
    }
    RunReport report =
        new RunReport(
            "fsck",
            started,
            Duration.between(started, clock.instant()),
            images,
            reads,
            List.of(),
            List.of(),
            verifyContent ? BlobCheck.CONTENT : BlobCheck.READ,
            0,
            RunReport.LeftOut.NONE);
    return new Result(report, infos, repairs);
  }

  private List<ImageResult> walkAll(StorageSource source) {
    StorageLayout layout = source.layout();
    try (Walker walker = new Walker(source, limits, WalkPolicy.defaults());
        Window<ImageResult> window = Window.forLimits(limits)) {
      for (String repo : layout.repositories()) {
        for (String tag : layout.tags(repo)) {
          window.submit(
              () -> walker.walk(repo + ":" + tag, repo, ManifestRef.tag(tag), Expectations.none()));
        }
      }
      return window.results();
    }
  }

  /** Missing links whose target bytes exist and hash to their name; never anything else. */
  private List<LinkOperation> repairable(
      StorageLayout layout, List<ImageResult> images, List<LinkOperation> done) {
    Set<String> already = new HashSet<>();
    done.forEach(op -> already.add(op.link()));
    Set<LinkOperation> ops = new LinkedHashSet<>();
    for (ImageResult image : images) {
      String repo = image.reference().substring(0, image.reference().lastIndexOf(':'));
      Graphs.forEachUnique(
          image.root(),
          (node, path) -> {
            if (!(node.finding() instanceof Finding.Missing missing) || node.digest().isEmpty()) {
              return;
            }
            Digest digest = node.digest().get();
            String link =
                switch (missing.errorCode()) {
                  case "REVISION_LINK_MISSING" -> layout.revisionLink(repo, digest);
                  case "LAYER_LINK_MISSING" -> layout.layerLink(repo, digest);
                  default -> null;
                };
            if (link != null && !already.contains(link) && bytesVerify(layout, digest)) {
              ops.add(new LinkOperation(link, layout.where(link), digest));
            }
          });
    }
    return List.copyOf(ops);
  }

  private static boolean bytesVerify(StorageLayout layout, Digest digest) {
    try (InputStream in = layout.driver().open(layout.blobData(digest))) {
      return FileHash.of(digest, in).digest().equals(digest);
    } catch (IOException e) {
      return false;
    }
  }

  /** Exactly what distribution writes: the digest, no newline. */
  private static void write(StorageLayout layout, LinkOperation op) {
    try {
      layout.driver().write(op.link(), op.digest().toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new dev.registryintegrity.CannotCheckException(
          "cannot write " + op.where() + ": " + e.getMessage(), e);
    }
  }

  private RootInfo info(StorageLayout layout, List<ImageResult> images) {
    Map<String, Set<Digest>> reached = new TreeMap<>();
    int tags = 0;
    for (ImageResult image : images) {
      tags++;
      String repo = image.reference().substring(0, image.reference().lastIndexOf(':'));
      Set<Digest> set = reached.computeIfAbsent(repo, r -> new HashSet<>());
      Graphs.forEachUnique(image.root(), (node, path) -> node.digest().ifPresent(set::add));
    }
    Map<String, List<Digest>> untagged = new TreeMap<>();
    Set<Digest> referenced = new HashSet<>();
    StoredManifests manifests = new StoredManifests(layout);
    List<String> repositories = layout.repositories();
    for (String repo : repositories) {
      Set<Digest> reachedHere = reached.getOrDefault(repo, Set.of());
      for (Digest revision : layout.revisions(repo)) {
        referenced.add(revision);
        if (!reachedHere.contains(revision)) {
          untagged.computeIfAbsent(repo, r -> new ArrayList<>()).add(revision);
        }
        referencesOf(manifests, revision).forEach(referenced::add);
      }
    }
    long[] unreferenced = {0};
    List<Digest> sample = new ArrayList<>();
    layout.forEachBlob(
        blob -> {
          if (!referenced.contains(blob)) {
            unreferenced[0]++;
            if (sample.size() < 20) {
              sample.add(blob);
            }
          }
        });
    return new RootInfo(
        layout.root(), repositories.size(), tags, untagged, unreferenced[0], sample);
  }

  /** What a manifest names: what garbage collection keeps alive because of it. */
  private static List<Digest> referencesOf(StoredManifests manifests, Digest manifest) {
    return manifests
        .get(manifest)
        .map(m -> References.of(m).all().stream().map(References.Reference::digest).toList())
        .orElse(List.of());
  }
}
