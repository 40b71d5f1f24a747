package dev.registryintegrity.probe;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.reference.RepositorySelection;
import dev.registryintegrity.registry.ManifestCache;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.transport.RateLimiter;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageAge;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Tally;
import dev.registryintegrity.walk.Verdict;
import dev.registryintegrity.walk.Walker;
import dev.registryintegrity.walk.Window;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One walk of a whole registry: the catalog (or a list of repositories), every tag of each, and
 * everything the tags reference, with work shared across tags and repositories the way verify
 * shares it across the tags of one image.
 */
public final class Prober {
  private final ProbeOptions options;
  private final CheckSettings check;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ManifestCache cache;
  private final RepositorySelection selection;
  private final Counts counts = new Counts();

  /**
   * How far a run has got, for a progress line: repositories listed of those selected, tags walked
   * of those queued, digests checked.
   */
  public static final class Counts {
    final java.util.concurrent.atomic.AtomicInteger repositories =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger listed =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger tags =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger walked =
        new java.util.concurrent.atomic.AtomicInteger();
    final dev.registryintegrity.walk.Transfer transfer = new dev.registryintegrity.walk.Transfer();

    /** "probe: 12 of 40 repositories listed, 130 of 200 tags walked, 2400 digests checked". */
    public String line() {
      return String.format(
          java.util.Locale.ROOT,
          "probe: %d of %d repositories listed, %d of %d tags walked, %d digests checked",
          listed.get(),
          repositories.get(),
          walked.get(),
          tags.get(),
          transfer.checked());
    }
  }

  /** This run's progress so far (reset at each run in server mode). */
  public Counts counts() {
    return counts;
  }

  /**
   * @param cache manifest bodies kept between runs (server mode); null for a one-shot run
   */
  public Prober(
      ProbeOptions options,
      CheckSettings check,
      Clock clock,
      Sleeper sleeper,
      ManifestCache cache) {
    this.options = options;
    this.check = check;
    this.clock = clock;
    this.sleeper = sleeper;
    this.cache = cache;
    this.selection = new RepositorySelection(options.include(), options.exclude());
  }

  public ProbeResult run() {
    Instant started = clock.instant();
    RegistryName registry = options.registry();
    Deadline deadline = Deadline.after(clock, check.timeout());
    RegistryClient client =
        RegistryClient.open(
            registry,
            new RegistryTransport(
                check.transport().withRateLimiter(new RateLimiter(options.requestsPerSecond())),
                clock,
                sleeper,
                deadline),
            check.plainHttp());
    if (cache != null) {
      client.withManifestCache(cache);
    }
    List<String> warnings = new ArrayList<>();
    int listingErrors = 0;
    boolean catalogAccessible = true;
    List<String> repositories;
    try {
      repositories =
          options.reposFile().isPresent()
              ? RepositorySelection.readFile(options.reposFile().get())
              : client.listRepositories(options.pageSize());
    } catch (RegistryClient.CatalogUnavailableException e) {
      catalogAccessible = false;
      repositories = List.of();
      listingErrors++;
      warnings.add(e.getMessage());
    } catch (CannotCheckException e) {
      catalogAccessible = false;
      repositories = List.of();
      listingErrors++;
      warnings.add("catalog not readable: " + e.getMessage());
    }
    List<String> valid = new ArrayList<>();
    for (String repo : repositories) {
      if (validName(registry, repo, null)) {
        valid.add(repo);
      } else {
        // A name no client could pull by, from the catalog or a file: said, counted, never sent.
        listingErrors++;
        warnings.add(
            "the repository list names '"
                + repo
                + "', which is not a valid repository name: skipped");
      }
    }
    List<String> selected = valid.stream().filter(this::wanted).sorted().toList();

    int tagsChecked = 0;
    int withoutTags = 0;
    List<String> notes;
    counts.repositories.set(selected.size());
    counts.listed.set(0);
    counts.tags.set(0);
    counts.walked.set(0);
    Sweep sweep;
    try (Walker walker =
            new Walker(client, check.limits(), check.policy(), deadline, counts.transfer);
        Window<Listing> listings = Window.forLimits(check.limits())) {
      for (String repo : selected) {
        listings.submit(
            () -> {
              try {
                return new Listing(selectTags(client, repo), null);
              } catch (CannotCheckException e) {
                return new Listing(List.of(), e.getMessage());
              } finally {
                counts.listed.incrementAndGet();
              }
            });
      }
      List<Listing> tagLists = listings.results();
      sweep = new Sweep(options.keepIntact(), walker::forget);
      try (Window<ImageResult> walks = Window.forLimits(check.limits(), sweep::add)) {
        for (int i = 0; i < selected.size(); i++) {
          String repo = selected.get(i);
          if (tagLists.get(i).error() != null) {
            listingErrors++;
            warnings.add("tags of " + repo + " not readable: " + tagLists.get(i).error());
            sweep.unlisted(repo);
            continue;
          }
          if (tagLists.get(i).tags().isEmpty()) {
            withoutTags++;
          }
          List<String> tags = new ArrayList<>();
          for (String tag : tagLists.get(i).tags()) {
            if (validName(registry, repo, tag)) {
              tags.add(tag);
            } else {
              listingErrors++;
              warnings.add(
                  "the tags of " + repo + " name '" + tag + "', which is not a valid tag: skipped");
            }
          }
          sweep.expect(repo, tags.size());
          for (String tag : tags) {
            tagsChecked++;
            counts.tags.incrementAndGet();
            walks.submit(
                () -> {
                  try {
                    return walker.walk(
                        registry + "/" + repo + ":" + tag,
                        repo,
                        ManifestRef.tag(tag),
                        check.expectations(Optional.empty(), List.of()));
                  } finally {
                    counts.walked.incrementAndGet();
                  }
                });
          }
        }
        walks.drain();
      }
      notes = walker.notes();
    } finally {
      client.close();
    }
    Instant finished = clock.instant();
    RunReport report =
        new RunReport(
            "probe",
            started,
            Duration.between(started, finished),
            sweep.kept(),
            client.requestCount(),
            warnings,
            notes,
            check.policy().blobCheck(),
            listingErrors,
            sweep.leftOut());
    return new ProbeResult(
        registry.name(),
        catalogAccessible,
        selected.size(),
        tagsChecked,
        sweep.indexes,
        sweep.digests,
        sweep.tally.failed(),
        sweep.tally.unchecked() + listingErrors,
        withoutTags,
        sweep.tally.warned(),
        sweep.failuresByRepo,
        finished,
        report.duration(),
        sweep.repositories.stream()
            .sorted(Comparator.comparing(RepositoryVerdict::repository))
            .toList(),
        report);
  }

  /**
   * Folds each repository's walks into the run's counts as soon as its last tag is walked, then
   * lets the repository go: the heap holds the repositories in flight and what is not intact, not
   * every digest of the registry. Results arrive in the order tags were submitted (the window keeps
   * that order), so a repository's last result means all of them are in.
   */
  private static final class Sweep {
    private final boolean keepIntact;
    private final java.util.function.Consumer<String> done;
    private final java.util.ArrayDeque<Expected> expected = new java.util.ArrayDeque<>();
    private final List<ImageResult> current = new ArrayList<>();
    private final List<ImageResult> kept = new ArrayList<>();
    private final Tally leftOutDigests = new Tally();
    private int leftOutImages;
    // Registry-wide: a (repository, digest) reached by many tags counts once.
    private final Tally tally = new Tally();
    private int digests;
    private int indexes;
    private final Map<String, Map<String, Integer>> failuresByRepo = new TreeMap<>();
    private final List<RepositoryVerdict> repositories = new ArrayList<>();

    private record Expected(String repository, int tags) {}

    Sweep(boolean keepIntact, java.util.function.Consumer<String> done) {
      this.keepIntact = keepIntact;
      this.done = done;
    }

    void expect(String repository, int tags) {
      if (tags > 0) {
        expected.addLast(new Expected(repository, tags));
      } else {
        repositories.add(new RepositoryVerdict(repository, 0, 0, 0, 0, 0, Verdict.OK, Map.of()));
      }
    }

    /** A repository whose tags could not be listed: nothing of it was checked. */
    void unlisted(String repository) {
      repositories.add(new RepositoryVerdict(repository, 0, 0, 0, 0, 0, Verdict.UNKNOWN, Map.of()));
    }

    void add(ImageResult image) {
      current.add(image);
      Expected repo = expected.getFirst();
      if (current.size() < repo.tags()) {
        return;
      }
      expected.removeFirst();
      fold(repo.repository());
      current.clear();
      done.accept(repo.repository());
    }

    private void fold(String repo) {
      Set<Digest> seen = new HashSet<>();
      Tally here = new Tally();
      List<Verdict> verdicts = new ArrayList<>();
      Map<String, Integer> failedTags = new TreeMap<>();
      for (ImageResult image : current) {
        Graphs.forEachUnique(
            image.root(),
            (node, path) -> {
              // A tag that did not resolve has no digest: it counts once, as itself.
              if (node.digest().isPresent() && !seen.add(node.digest().get())) {
                return;
              }
              here.add(node.finding());
              if (node.kind() == Kind.INDEX) {
                indexes++;
              }
              if (node.finding().verdict() == Verdict.FAIL) {
                failuresByRepo
                    .computeIfAbsent(repo, r -> new TreeMap<>())
                    .merge(node.kind().label(), 1, Integer::sum);
              }
            });
        Verdict verdict = image.verdict();
        verdicts.add(verdict);
        if (verdict == Verdict.FAIL) {
          // A tag cannot hold ':', so the last one ends the repository (a port's comes first).
          String tag = image.reference().substring(image.reference().lastIndexOf(':') + 1);
          failedTags.put(tag, Tally.of(image).failed());
        }
        if (keepIntact || verdict != Verdict.OK) {
          kept.add(image);
        } else {
          leftOutImages++;
          leftOutDigests.addAll(Tally.of(image));
        }
      }
      digests += here.total();
      tally.addAll(here);
      repositories.add(
          new RepositoryVerdict(
              repo,
              current.size(),
              here.total(),
              here.failed(),
              here.unchecked(),
              here.warned(),
              worst(verdicts),
              failedTags));
    }

    private static Verdict worst(List<Verdict> verdicts) {
      for (Verdict v : List.of(Verdict.FAIL, Verdict.UNKNOWN, Verdict.WARN)) {
        if (verdicts.contains(v)) {
          return v;
        }
      }
      return Verdict.OK;
    }

    List<ImageResult> kept() {
      return kept;
    }

    RunReport.LeftOut leftOut() {
      return new RunReport.LeftOut(leftOutImages, RunReport.Counts.of(leftOutDigests));
    }
  }

  private static boolean validName(RegistryName registry, String repo, String tag) {
    try {
      ImageReference ref = registry.repository(repo);
      if (tag != null) {
        ref.withTag(tag);
      }
      return true;
    } catch (InvalidValueException e) {
      return false;
    }
  }

  private boolean wanted(String repository) {
    if (!options.shard().owns(repository)) {
      return false;
    }
    return selection.wanted(repository);
  }

  /**
   * A repository's tags, or with {@code --tags-per-repo N} the newest N by {@link ImageAge}'s rule
   * (the one retention keeps by): tags tied with the last of them and tags whose time cannot be
   * read are probed too, never dropped by a guess.
   */
  private List<String> selectTags(RegistryClient client, String repo) {
    List<String> tags = client.listTags(repo, options.pageSize());
    if (options.tagsPerRepo().isEmpty() || tags.size() <= options.tagsPerRepo().get()) {
      return tags;
    }
    ImageAge age = new ImageAge(client, check.limits().maxManifestBytes());
    Map<String, ImageAge.Age> ages = new LinkedHashMap<>();
    for (String tag : tags) {
      ages.put(tag, age.of(repo, ManifestRef.tag(tag)));
    }
    return List.copyOf(ImageAge.newest(ages, options.tagsPerRepo().get()).all());
  }

  /** One repository's tags, or why they could not be listed. */
  private record Listing(List<String> tags, String error) {}
}
