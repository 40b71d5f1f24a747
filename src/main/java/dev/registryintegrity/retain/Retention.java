package dev.registryintegrity.retain;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.ExitCode;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.retain.RepositoryPlan.TagFate;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Transfer;
import dev.registryintegrity.walk.Verdict;
import dev.registryintegrity.walk.WalkPolicy;
import dev.registryintegrity.walk.Walker;
import dev.registryintegrity.walk.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One retention run over repositories of one store. Every repository is read, planned and its kept
 * images checked first; only then, with {@code apply}, and only if every kept image is intact and
 * every repository with something to delete allows deleting, is anything deleted. Afterwards every
 * kept image is checked again, read afresh, with the same walk as {@code verify}.
 */
public final class Retention {
  /**
   * @param apply delete; otherwise plan only, and send no DELETE at all
   * @param registry the registry's name, for {@code --keep-digests} references; empty for storage
   * @param tagDeletes what is known of tag deletion before asking: a storage directory deletes a
   *     tag alone; a registry is asked only when deleting
   * @param origin how the report names where repositories are ("127.0.0.1:5000/", storage "")
   */
  public record Options(
      boolean apply,
      KeepRules rules,
      RetainPolicy policy,
      Pins pins,
      Optional<String> registry,
      Planner.TagDeletes tagDeletes,
      String origin) {}

  private final Store store;
  private final CheckSettings check;
  private final Options options;
  private final Clock clock;
  private final Planner planner = new Planner();

  /** When the run's rules judge ages: once, so planning again to apply cannot change a verdict. */
  private final Instant now;

  /** One run: make another for the next. */
  public Retention(Store store, CheckSettings check, Options options, Clock clock) {
    this.store = store;
    this.check = check;
    this.options = options;
    this.clock = clock;
    this.now = clock.instant();
  }

  public RetentionResult run(List<String> repositories) {
    Deadline deadline = Deadline.after(clock, check.timeout(), check.spelling());
    Remembered remembered = new Remembered(store.content());
    Scanner scanner = new Scanner(store, remembered, check.limits());
    List<RepositoryResult> results = new ArrayList<>();
    try (Walker walker =
            new Walker(remembered, check.limits(), walkPolicy(), deadline, new Transfer());
        Window<RepositoryResult> window = Window.forLimits(check.limits())) {
      for (String repository : repositories) {
        window.submit(() -> plan(repository, scanner, walker));
      }
      results.addAll(window.results());
    }
    Optional<String> refusal = Optional.empty();
    ExitCode refusedWith = ExitCode.INTACT;
    if (options.apply()) {
      refusal = refusal(results);
      refusedWith = refusal.isPresent() ? refusalCode(results) : ExitCode.INTACT;
      if (refusal.isEmpty()) {
        try {
          results = apply(results, deadline);
        } catch (CannotCheckException e) {
          refusal = Optional.of(e.getMessage());
          refusedWith = ExitCode.CANNOT_CHECK;
        }
      }
    }
    return new RetentionResult(
        results,
        options.apply(),
        refusal,
        refusedWith,
        now,
        Duration.between(now, clock.instant()),
        store.content().requestCount(),
        pinNotes(results));
  }

  private List<String> pinNotes(List<RepositoryResult> results) {
    Map<String, Inventory> inventories = new HashMap<>();
    for (RepositoryResult r : results) {
      r.inventory().ifPresent(i -> inventories.put(r.repository(), i));
    }
    List<String> notes = new ArrayList<>();
    List<String> covered = results.stream().map(RepositoryResult::repository).toList();
    for (String note : options.pins().unmatched(options.registry(), inventories, covered)) {
      notes.add("--keep-digests: " + note);
    }
    return notes;
  }

  /** Read, plan and check one repository: never throws, what failed is in the result. */
  private RepositoryResult plan(String repository, Scanner scanner, Walker walker) {
    try {
      Inventory inventory = scanner.scan(repository, options.pins().digests(repository));
      RepositoryPlan plan = plan(inventory, options.tagDeletes());
      List<ImageResult> kept = checkKept(walker, plan, inventory);
      return new RepositoryResult(
          repository,
          Optional.of(inventory),
          Optional.of(plan),
          kept,
          Optional.empty(),
          List.of(),
          Optional.empty());
    } catch (CannotCheckException e) {
      return RepositoryResult.failed(repository, "could not be read: " + e.getMessage());
    } finally {
      walker.forget(repository);
    }
  }

  private RepositoryPlan plan(Inventory inventory, Planner.TagDeletes tagDeletes) {
    String repository = inventory.repository();
    return planner.plan(
        inventory,
        options.policy().forRepository(repository, options.rules()),
        options.pins().digests(repository),
        options.pins().tags(repository),
        new Planner.Capabilities(tagDeletes, now));
  }

  /** The check of a kept image follows its referrers too: they are kept with it. */
  private WalkPolicy walkPolicy() {
    Set<WalkPolicy.Option> options = EnumSet.of(WalkPolicy.Option.REFERRERS);
    options.addAll(check.policy().options());
    return new WalkPolicy(check.policy().blobCheck(), options);
  }

  /** Every tag that stays, and every digest kept as in use that no staying tag names. */
  private List<ImageResult> checkKept(Walker walker, RepositoryPlan plan, Inventory inventory) {
    String repository = plan.repository();
    Set<Digest> byTag = new LinkedHashSet<>();
    List<ImageResult> images = new ArrayList<>();
    try (Window<ImageResult> window = Window.forLimits(check.limits())) {
      for (TagFate t : plan.tags()) {
        if (t.fate().stays() && inventory.imageTags().containsKey(t.tag())) {
          byTag.add(t.digest());
          check(window, walker, repository, ":" + t.tag(), ManifestRef.tag(t.tag()));
        }
      }
      for (RepositoryPlan.KeptImage k : plan.keptImages()) {
        if (!byTag.contains(k.digest())) {
          check(window, walker, repository, "@" + k.digest(), ManifestRef.of(k.digest()));
        }
      }
      images.addAll(window.results());
    }
    return images;
  }

  private void check(
      Window<ImageResult> window,
      Walker walker,
      String repository,
      String suffix,
      ManifestRef reference) {
    window.submit(
        () ->
            walker.walk(
                options.origin() + repository + suffix,
                repository,
                reference,
                check.expectations(Optional.empty(), List.of())));
  }

  /**
   * Why nothing may be deleted, if anything says so: a broken kept image before one unchecked, and
   * a repository not fully read (its plan is not the whole truth, so no plan is applied).
   */
  private static Optional<String> refusal(List<RepositoryResult> results) {
    Optional<String> images = imageRefusal(results);
    if (images.isPresent()) {
      return images;
    }
    for (RepositoryResult r : results) {
      if (r.error().isPresent()) {
        return Optional.of(
            "repository " + r.repository() + " " + r.error().get() + "; nothing was deleted");
      }
      Optional<Inventory> inventory = r.inventory();
      if (inventory.isPresent() && !inventory.get().unreadable().isEmpty()) {
        return Optional.of(
            "in repository "
                + r.repository()
                + ", "
                + inventory.get().unreadable().get(0)
                + " could not be read; nothing was deleted");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> imageRefusal(List<RepositoryResult> results) {
    for (Verdict verdict : List.of(Verdict.FAIL, Verdict.UNKNOWN)) {
      for (RepositoryResult r : results) {
        for (ImageResult image : r.keptBefore()) {
          if (image.verdict() == verdict) {
            return Optional.of(
                "kept image "
                    + image.reference()
                    + (verdict == Verdict.FAIL
                        ? " is broken: heal it or fix the registry first (registry-integrity heal,"
                            + " or a re-push); nothing was deleted"
                        : " could not be checked: nothing was deleted, as it may need what would"
                            + " go"));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** 1 when a kept image is broken, else 3: what stopped the run could not be checked. */
  private static ExitCode refusalCode(List<RepositoryResult> results) {
    boolean broken =
        results.stream()
            .flatMap(r -> r.keptBefore().stream())
            .anyMatch(i -> i.verdict() == Verdict.FAIL);
    return broken ? ExitCode.INTEGRITY_FAILURE : ExitCode.CANNOT_CHECK;
  }

  /**
   * Asks every repository with something to delete whether it may (nothing is deleted anywhere
   * unless all may), plans again with what the registry said of tag deletion, deletes, and checks
   * every kept image afresh.
   */
  private List<RepositoryResult> apply(List<RepositoryResult> planned, Deadline deadline) {
    Planner.TagDeletes tagDeletes = options.tagDeletes();
    for (RepositoryResult r : planned) {
      if (r.plan().map(RepositoryPlan::deletesAnything).orElse(false)) {
        Store.Deletes deletes;
        try {
          deletes = store.deletes(r.repository());
        } catch (CannotCheckException e) {
          throw new CannotCheckException(e.getMessage() + "; nothing was deleted", e);
        }
        tagDeletes =
            deletes.tagsAlone() ? Planner.TagDeletes.ALONE : Planner.TagDeletes.BY_DIGEST_ONLY;
      }
    }
    ContentSource fresh = store.fresh();
    Applier applier = new Applier(store, new Scanner(store, fresh, check.limits()), check.limits());
    List<RepositoryResult> applied = new ArrayList<>();
    try (Walker after = new Walker(fresh, check.limits(), walkPolicy(), deadline, new Transfer());
        Window<RepositoryResult> window = Window.forLimits(check.limits())) {
      for (RepositoryResult r : planned) {
        Planner.TagDeletes known = tagDeletes;
        window.submit(() -> applyOne(r, known, applier, after));
      }
      applied.addAll(window.results());
    }
    return applied;
  }

  private RepositoryResult applyOne(
      RepositoryResult r, Planner.TagDeletes tagDeletes, Applier applier, Walker after) {
    if (r.inventory().isEmpty() || r.plan().isEmpty()) {
      return r;
    }
    Inventory inventory = r.inventory().get();
    RepositoryPlan plan = r.plan().get();
    if (tagDeletes != options.tagDeletes() && plan.deletesAnything()) {
      plan = plan(inventory, tagDeletes);
    }
    Optional<Applier.Applied> applied;
    try {
      applied =
          plan.deletesAnything() ? Optional.of(applier.apply(plan, inventory)) : Optional.empty();
    } catch (RuntimeException e) {
      // Only reading the tags again can throw (the Applier records each deletion's own failure),
      // and that comes before any deletion.
      return undeleted(
          r,
          plan,
          Optional.of(
              "its tags could not be read again before deleting: "
                  + e.getMessage()
                  + "; nothing was deleted in it"));
    }
    if (applied.isEmpty()) {
      // Nothing deleted here: the check before is the check.
      return undeleted(r, plan, Optional.empty());
    }
    // Afresh: not even the tag listing made before the deletions is taken for true.
    after.forget(r.repository());
    List<ImageResult> keptAfter = checkKept(after, plan, inventory);
    after.forget(r.repository());
    return new RepositoryResult(
        r.repository(),
        r.inventory(),
        Optional.of(plan),
        r.keptBefore(),
        applied,
        keptAfter,
        Optional.empty());
  }

  private static RepositoryResult undeleted(
      RepositoryResult r, RepositoryPlan plan, Optional<String> error) {
    return new RepositoryResult(
        r.repository(),
        r.inventory(),
        Optional.of(plan),
        r.keptBefore(),
        Optional.empty(),
        List.of(),
        error);
  }
}
