package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.retain.RepositoryPlan.Deletion;
import dev.registryintegrity.retain.RepositoryPlan.Fate;
import dev.registryintegrity.retain.RepositoryPlan.TagFate;
import dev.registryintegrity.walk.ImageAge;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final Planner.Capabilities ALONE =
      new Planner.Capabilities(Planner.TagDeletes.ALONE, NOW);
  private static final Planner.Capabilities BY_DIGEST =
      new Planner.Capabilities(Planner.TagDeletes.BY_DIGEST_ONLY, NOW);

  /** A repository built by hand: images, their children and blobs, tags and build times. */
  private static final class Repo {
    final Map<String, Digest> tags = new TreeMap<>();
    final Map<String, Digest> referrerTags = new TreeMap<>();
    final Map<Digest, Inventory.Item> items = new LinkedHashMap<>();
    final Map<Digest, ImageAge.Age> ages = new LinkedHashMap<>();
    final List<String> unreadable = new ArrayList<>();

    Digest image(String name, String built, Digest... children) {
      Digest d = d(name);
      List<Inventory.Blob> blobs =
          children.length == 0
              ? List.of(new Inventory.Blob(d(name + " config"), 100), blob(name + " layer"))
              : List.of();
      items.put(
          d,
          new Inventory.Item(
              d,
              children.length == 0 ? Kind.MANIFEST : Kind.INDEX,
              10,
              List.of(children),
              blobs,
              Optional.empty(),
              List.of()));
      ages.put(
          d,
          built == null
              ? new ImageAge.Age.Unknown("its config has no created time")
              : new ImageAge.Age.Known(Instant.parse(built)));
      return d;
    }

    Digest child(String name, Inventory.Blob... blobs) {
      Digest d = d(name);
      items.put(
          d,
          new Inventory.Item(
              d, Kind.MANIFEST, 10, List.of(), List.of(blobs), Optional.empty(), List.of()));
      return d;
    }

    /** A signature of {@code subject}: a referrer naming it. */
    Digest signature(String name, Digest subject) {
      Digest d = d(name);
      items.put(
          d,
          new Inventory.Item(
              d,
              Kind.SIGNATURE,
              10,
              List.of(),
              List.of(blob(name + " payload")),
              Optional.of(subject),
              List.of()));
      Inventory.Item s = items.get(subject);
      List<Digest> referrers = new ArrayList<>(s.referrers());
      referrers.add(d);
      items.put(
          subject,
          new Inventory.Item(
              subject, s.kind(), s.size(), s.manifests(), s.blobs(), s.subject(), referrers));
      return d;
    }

    /**
     * A cosign tag-scheme signature: it names no subject, and is found under the subject's {@code
     * .sig} tag.
     */
    Digest cosignSignature(String name, Digest subject) {
      Digest d = signature(name, subject);
      Inventory.Item sig = items.get(d);
      items.put(
          d,
          new Inventory.Item(
              d,
              sig.kind(),
              sig.size(),
              sig.manifests(),
              sig.blobs(),
              Optional.empty(),
              List.of()));
      referrerTags.put("sha256-" + subject.hex() + ".sig", d);
      return d;
    }

    /** A referrer naming {@code subject} that no listing of the subject's referrers found. */
    Digest unlistedReferrer(String name, Digest subject) {
      Digest d = d(name);
      items.put(
          d,
          new Inventory.Item(
              d,
              Kind.SBOM,
              10,
              List.of(),
              List.of(blob(name + " payload")),
              Optional.of(subject),
              List.of()));
      return d;
    }

    Repo tag(String tag, Digest digest) {
      tags.put(tag, digest);
      return this;
    }

    Inventory inventory() {
      return new Inventory("app", tags, referrerTags, items, ages, unreadable);
    }
  }

  private static Digest d(String seed) {
    return Digest.sha256Of(seed.getBytes(StandardCharsets.UTF_8));
  }

  private static Inventory.Blob blob(String seed) {
    return new Inventory.Blob(d(seed), 1000);
  }

  private static KeepRules newest(int n) {
    return new KeepRules(Optional.of(n), List.of(), Optional.empty());
  }

  private static RepositoryPlan plan(Repo repo, KeepRules rules, Planner.Capabilities c) {
    return new Planner().plan(repo.inventory(), rules, Set.of(), Set.of(), c);
  }

  private static Fate fate(RepositoryPlan plan, String tag) {
    return plan.tags().stream()
        .filter(t -> t.tag().equals(tag))
        .map(TagFate::fate)
        .findFirst()
        .orElseThrow();
  }

  private static List<Digest> removed(RepositoryPlan plan) {
    return plan.deletions().stream()
        .filter(d -> d instanceof Deletion.Remove)
        .map(Deletion::digest)
        .toList();
  }

  @Test
  void theNewestImagesStayAndTheRestGoWithTheirChildrenEachParentFirst() {
    Repo repo = new Repo();
    Digest amd64 = repo.child("v1 amd64", blob("v1 amd64 layer"));
    Digest arm64 = repo.child("v1 arm64", blob("v1 arm64 layer"));
    repo.tag("v1", repo.image("v1 index", "2026-01-01T00:00:00Z", amd64, arm64));
    repo.tag("v2", repo.image("v2", "2026-02-01T00:00:00Z"));
    repo.tag("v3", repo.image("v3", "2026-03-01T00:00:00Z"));
    RepositoryPlan plan = plan(repo, newest(2), ALONE);
    assertEquals(Fate.DROP, fate(plan, "v1"));
    assertEquals(Fate.KEEP, fate(plan, "v2"));
    assertEquals(Fate.KEEP, fate(plan, "v3"));
    assertEquals(d("v1 index"), removed(plan).get(0), "the index goes before its children");
    assertEquals(Set.of(d("v1 index"), amd64, arm64), Set.copyOf(removed(plan)));
    assertEquals(List.of("v1"), ((Deletion.Remove) plan.deletions().get(0)).tags());
    assertEquals(10 + 10 + 10 + 1000 + 1000, plan.reclaimableBytes());
  }

  @Test
  void aTieWithTheLastOfTheNewestIsKeptAndAnUndatedImageIsNeverTakenForOld() {
    Repo repo = new Repo();
    repo.tag("a", repo.image("a", "2026-03-01T00:00:00Z"));
    repo.tag("b", repo.image("b", "2026-02-01T00:00:00Z"));
    repo.tag("c", repo.image("c", "2026-02-01T00:00:00Z"));
    repo.tag("reproducible", repo.image("reproducible", null));
    repo.tag("old", repo.image("old", "2025-01-01T00:00:00Z"));
    RepositoryPlan plan = plan(repo, newest(2), ALONE);
    assertEquals(Fate.KEEP, fate(plan, "b"));
    assertEquals(Fate.KEEP, fate(plan, "c"), "tied with b");
    assertEquals(Fate.KEEP, fate(plan, "reproducible"));
    assertTrue(
        plan.tags().stream()
            .filter(t -> t.tag().equals("reproducible"))
            .findFirst()
            .orElseThrow()
            .why()
            .get(0)
            .startsWith("its build time cannot be read"));
    assertEquals(Fate.DROP, fate(plan, "old"));
  }

  @Test
  void aDroppedTagOnAKeptManifestGoesAloneOrStaysWhereOnlyDigestsCanBeDeleted() {
    Repo repo = new Repo();
    Digest image = repo.image("v2", "2026-02-01T00:00:00Z");
    repo.tag("v2", image).tag("latest-old", image);
    KeepRules keepV2 =
        new KeepRules(Optional.empty(), List.of(Pattern.compile("^v2$")), Optional.empty());
    RepositoryPlan alone = plan(repo, keepV2, ALONE);
    assertEquals(Fate.DROP_TAG, fate(alone, "latest-old"));
    assertEquals(List.of(new Deletion.Untag("latest-old", image)), alone.deletions());
    RepositoryPlan byDigest = plan(repo, keepV2, BY_DIGEST);
    assertEquals(Fate.KEEP_ANYWAY, fate(byDigest, "latest-old"));
    assertTrue(byDigest.deletions().isEmpty(), "a delete by digest would take v2 with it");
  }

  @Test
  void aChildSharedWithAKeptImageStays() {
    Repo repo = new Repo();
    Digest shared = repo.child("shared platform", blob("shared layer"));
    Digest own = repo.child("own platform", blob("own layer"));
    repo.tag("old", repo.image("old index", "2026-01-01T00:00:00Z", shared, own));
    repo.tag("new", repo.image("new index", "2026-02-01T00:00:00Z", shared));
    RepositoryPlan plan = plan(repo, newest(1), ALONE);
    assertEquals(List.of(d("old index"), own), removed(plan));
    assertTrue(plan.kept().contains(shared));
    assertTrue(plan.kept().contains(d("shared layer")));
  }

  @Test
  void aKeptImagesSignatureStaysAndADroppedImagesGoesBeforeIt() {
    Repo repo = new Repo();
    Digest old = repo.image("old", "2026-01-01T00:00:00Z");
    Digest kept = repo.image("new", "2026-02-01T00:00:00Z");
    Digest oldSig = repo.signature("old signature", old);
    Digest newSig = repo.signature("new signature", kept);
    repo.tag("old", old).tag("new", kept);
    repo.referrerTags.put("sha256-" + old.hex() + ".sig", oldSig);
    repo.referrerTags.put("sha256-" + kept.hex() + ".sig", newSig);
    repo.referrerTags.put("sha256-" + d("not here").hex() + ".sig", d("orphan"));
    RepositoryPlan plan = plan(repo, newest(1), ALONE);
    assertEquals(List.of(oldSig, old), removed(plan), "the signature first, then its subject");
    assertTrue(plan.kept().contains(newSig));
    assertEquals(Fate.DROP, fate(plan, "sha256-" + old.hex() + ".sig"));
    assertEquals(Fate.KEEP, fate(plan, "sha256-" + kept.hex() + ".sig"));
    assertEquals(Fate.KEEP_ANYWAY, fate(plan, "sha256-" + d("not here").hex() + ".sig"));
  }

  @Test
  void aCosignSignatureWithoutASubjectGoesBeforeTheImageItSignsWhateverTheDigests() {
    // The order among ready deletions follows the digests: vary them, as real ones vary.
    for (int seed = 0; seed < 20; seed++) {
      Repo repo = new Repo();
      Digest old = repo.image("old " + seed, "2026-01-01T00:00:00Z");
      Digest signature = repo.cosignSignature("old signature " + seed, old);
      repo.tag("old", old).tag("new", repo.image("new " + seed, "2026-02-01T00:00:00Z"));
      RepositoryPlan plan = plan(repo, newest(1), ALONE);
      assertEquals(List.of(signature, old), removed(plan), "seed " + seed);
    }
  }

  @Test
  void aReferrerOfAKeptImageStaysEvenWhenNoListingFoundItAndADroppedTagNamesIt() {
    Repo repo = new Repo();
    Digest kept = repo.image("new", "2026-02-01T00:00:00Z");
    Digest sbom = repo.unlistedReferrer("sbom of new", kept);
    repo.tag("new", kept).tag("sbom", sbom).tag("old", repo.image("old", "2026-01-01T00:00:00Z"));
    RepositoryPlan plan = plan(repo, newest(1), ALONE);
    assertTrue(plan.kept().contains(sbom), "the referrer of a kept image");
    assertFalse(removed(plan).contains(sbom));
    assertEquals(List.of(d("old")), removed(plan));
  }

  @Test
  void aDigestInUseStaysTaggedOrNotWithEverythingItNeeds() {
    Repo repo = new Repo();
    Digest child = repo.child("pinned platform", blob("pinned layer"));
    Digest pinned = repo.image("pinned index", "2025-01-01T00:00:00Z", child);
    repo.tag("old", repo.image("old", "2025-06-01T00:00:00Z"));
    repo.tag("new", repo.image("new", "2026-06-01T00:00:00Z"));
    RepositoryPlan plan =
        new Planner().plan(repo.inventory(), newest(1), Set.of(pinned), Set.of("old"), ALONE);
    assertEquals(Fate.KEEP, fate(plan, "old"), "a tag in use");
    assertTrue(plan.kept().containsAll(Set.of(pinned, child, d("pinned layer"))));
    assertTrue(removed(plan).isEmpty());
  }

  @Test
  void rulesAddUpAndAYoungImageStays() {
    Repo repo = new Repo();
    repo.tag("stable", repo.image("stable", "2020-01-01T00:00:00Z"));
    repo.tag("fresh", repo.image("fresh", "2026-12-01T00:00:00Z"));
    repo.tag("stale", repo.image("stale", "2026-06-01T00:00:00Z"));
    KeepRules rules =
        new KeepRules(
            Optional.empty(),
            List.of(Pattern.compile("^stable$")),
            Optional.of(Duration.ofDays(30)));
    RepositoryPlan plan = plan(repo, rules, ALONE);
    assertEquals(Fate.KEEP, fate(plan, "stable"));
    assertEquals(Fate.KEEP, fate(plan, "fresh"));
    assertEquals(Fate.DROP, fate(plan, "stale"));
  }

  @Test
  void aRepositoryNotFullyReadDeletesNothing() {
    Repo repo = new Repo();
    repo.tag("old", repo.image("old", "2025-01-01T00:00:00Z"));
    repo.tag("new", repo.image("new", "2026-01-01T00:00:00Z"));
    repo.unreadable.add("referrers of sha256:...: 503");
    RepositoryPlan plan = plan(repo, newest(1), ALONE);
    assertFalse(plan.deletesAnything());
    assertEquals(Fate.KEEP_ANYWAY, fate(plan, "old"));
    assertTrue(
        plan.notes().get(0).startsWith("nothing is deleted (with --apply, in no repository)"));
  }
}
