package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.probe.Shard;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.RegistryName;
import dev.registryintegrity.reference.RepositorySelection;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.retain.KeepRules;
import dev.registryintegrity.retain.Pins;
import dev.registryintegrity.retain.Planner;
import dev.registryintegrity.retain.RegistryStore;
import dev.registryintegrity.retain.RetainMetrics;
import dev.registryintegrity.retain.RetainPolicy;
import dev.registryintegrity.retain.RetainReport;
import dev.registryintegrity.retain.Retention;
import dev.registryintegrity.retain.RetentionResult;
import dev.registryintegrity.retain.StorageStore;
import dev.registryintegrity.retain.Store;
import dev.registryintegrity.storage.StorageLayout;
import dev.registryintegrity.verify.CheckSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity retain}: deletes old images by policy and never breaks a kept one; a
 * plan unless {@code --apply}.
 */
final class RetainCommand implements Command {
  private static final String JOB = "registry_manifest_integrity_retain";
  private static final Flags.Defaulted PAGE_SIZE =
      new Flags.Defaulted("page-size", "N", "100", "entries per catalog and tag-list page");
  private static final Flags.Defaulted LOG_LEVEL =
      Flags.logLevel("each tag's fate and why, and what goes", "also what each kept image keeps");

  @Override
  public About about() {
    return new About(
        "retain",
        "REPOSITORY...",
        "delete old images by policy, never one a kept tag needs (a plan unless --apply)",
        "registry-integrity retain [options] KEEP-RULE... [--apply] [REGISTRY/]REPOSITORY...\n"
            + "       registry-integrity retain [options] KEEP-RULE... [--apply] --registry HOST"
            + " [--include GLOB] [--exclude GLOB]\n"
            + "       registry-integrity retain [options] KEEP-RULE... [--apply] --storage ROOT"
            + " [REPOSITORY... | --include GLOB --exclude GLOB]",
        "Keeps every tag a rule keeps and everything it reaches (index children, attestations,"
            + " signatures, SBOMs), and deletes the rest by digest, each before what it refers"
            + " to, so the registry's plain garbage-collect (no --delete-untagged) reclaims it."
            + " Plans by default: nothing is deleted without --apply, and a deletion cannot be"
            + " undone. With --apply it refuses to delete when a kept image is broken, never"
            + " deletes what a tag pushed or moved since the plan reaches, and checks every kept"
            + " image after.",
        "Exit codes: 0 planned or applied, every kept image intact; 1 a kept image is broken"
            + " (found before deleting: nothing was deleted; found by the check after: the report"
            + " lists what was); 2 usage error; 3 could not read, check or delete (found before"
            + " deleting: nothing was deleted).");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o, List.of("referrers", "progress"));
    o.addOption(
        Flags.valued(
            "keep-newest",
            "N",
            "keep the newest N images by build time (an index counts its newest platform image);"
                + " ties and tags whose time cannot be read are kept"));
    o.addOption(
        Flags.valued(
            "keep-tag",
            "REGEX",
            "keep the tags this regular expression finds, e.g. '^stable$' or '^v[0-9]'"
                + " (repeatable)"));
    o.addOption(
        Flags.valued(
            "keep-younger-than", "DURATION", "keep images built in this time, e.g. 30d, 12h"));
    o.addOption(
        Flags.valued(
            "keep-digests",
            "FILE",
            "keep what is in use, one a line: a digest, HOST/REPO@DIGEST (tagged or not) or"
                + " HOST/REPO:TAG"));
    o.addOption(
        Flags.valued(
            "policy",
            "FILE",
            "per-repository keep rules (JSON); a repository no entry matches takes the options'"));
    o.addOption(
        Flags.flag(
            "apply",
            "delete what the plan drops (without it nothing is deleted, not even a test DELETE"
                + " is sent)"));
    o.addOption(
        Flags.valued("registry", "HOST[:PORT]", "the registry, for REPOSITORY names without one"));
    o.addOption(
        Flags.valued(
            "include",
            "GLOB",
            "repositories to cover, from the catalog, --repos-file or --storage's (repeatable)"));
    o.addOption(
        Flags.valued(
            "exclude", "GLOB", "repositories of that listing to leave alone (repeatable)"));
    o.addOption(
        Flags.valued("repos-file", "FILE", "repositories to cover, one a line (a hidden catalog)"));
    o.addOption(PAGE_SIZE.option());
    o.addOption(
        Flags.valued(
            "storage",
            "ROOT",
            "work on a registry's storage instead of its API: a directory or"
                + " s3://BUCKET/ROOTDIRECTORY (the registry read-only or stopped; restart it after)"));
    o.addOption(Flags.format("the plan and what was done"));
    o.addOption(LOG_LEVEL.option());
    o.addOption(
        Flags.valued(
            "textfile", "PATH", "write the run's metrics for node_exporter's textfile collector"));
    PushgatewayOptions.addTo(o, "push the run's metrics there (PUT)", JOB);
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) {
    if (!line.hasOption("textfile") && !line.hasOption("pushgateway")) {
      for (String option : List.of("instance", "job")) {
        if (line.hasOption(option)) {
          throw new InputException(
              "--" + option + " labels the metrics: give --textfile PATH or --pushgateway URL too");
        }
      }
    }
    KeepRules rules = rules(line);
    RetainPolicy policy =
        Optional.ofNullable(line.getOptionValue("policy"))
            .map(f -> RetainPolicy.read(Path.of(f)))
            .orElse(RetainPolicy.none());
    if (rules.isEmpty() && policy.rules().isEmpty()) {
      throw new InputException(
          "retain needs a keep rule: --keep-newest N, --keep-tag REGEX, --keep-younger-than"
              + " DURATION or --policy FILE (with none, every image would go)");
    }
    Pins pins =
        Optional.ofNullable(line.getOptionValue("keep-digests"))
            .map(f -> Pins.read(Path.of(f)))
            .orElse(Pins.none());
    Keep keep = new Keep(rules, policy, pins);
    boolean json = Flags.json(line);
    boolean detail = Flags.debug(LOG_LEVEL, line);
    CheckSettings check = ConnectionOptions.check(line, context);
    RepositorySelection selection =
        new RepositorySelection(Flags.repeated(line, "include"), Flags.repeated(line, "exclude"));
    Clock clock = context.environment().clock();
    String instance;
    RetentionResult result;
    if (line.hasOption("storage")) {
      for (String option : List.of("registry", "repos-file", "page-size")) {
        if (line.hasOption(option)) {
          throw new InputException(
              "retain --storage reads the registry's storage: --"
                  + option
                  + " is for its API; give one or the other");
        }
      }
      StorageLayout layout =
          StorageLayout.open(line.getOptionValue("storage"), context.environment().variables());
      List<String> repositories =
          chosen(line.getArgList(), layout.repositories(), selection, "in " + layout.root());
      instance = layout.root();
      policy.requireRulesFor(repositories, rules);
      try (Store store = new StorageStore(layout)) {
        result =
            new Retention(
                    store, check, keep.options(line.hasOption("apply"), Optional.empty()), clock)
                .run(repositories);
      }
    } else {
      Target target = target(line);
      instance = target.registry().name();
      try (RegistryClient client = ConnectionOptions.client(target.registry(), check, clock)) {
        int pageSize = Flags.positive(PAGE_SIZE, line);
        if (!target.repositories().isEmpty() && line.hasOption("repos-file")) {
          throw new InputException(
              "retain: --repos-file lists the repositories, and repositories are named here:"
                  + " drop one or the other");
        }
        RegistryStore store = new RegistryStore(client, pageSize);
        List<String> repositories =
            target.repositories().isEmpty()
                ? chosen(
                    List.of(),
                    line.hasOption("repos-file")
                        ? RepositorySelection.readFile(Path.of(line.getOptionValue("repos-file")))
                        : client.listRepositories(pageSize),
                    selection,
                    "in " + target.registry())
                : chosen(
                    target.repositories(),
                    store.withTags(target.repositories()),
                    selection,
                    "in " + target.registry() + " (or it has no tags)");
        policy.requireRulesFor(repositories, rules);
        result =
            new Retention(
                    store,
                    check,
                    keep.options(line.hasOption("apply"), Optional.of(target.registry())),
                    clock)
                .run(repositories);
      }
    }
    // Metrics first: a sink that fails changes the exit code, which the report states.
    ExitCode exit = metrics(line, result, instance, clock, context).orElse(result.exitCode());
    RetainReport report = new RetainReport(Main.version());
    String described = describe(rules, policy, pins);
    if (json) {
      context.console().json(report.json(result, described, exit));
    } else {
      report.text(result, described, detail, exit, context.console());
    }
    return exit;
  }

  private static KeepRules rules(CommandLine line) {
    Optional<Integer> newest =
        line.hasOption("keep-newest")
            ? Optional.of(Flags.positive("--keep-newest", line.getOptionValue("keep-newest")))
            : Optional.empty();
    List<Pattern> tags =
        Flags.repeated(line, "keep-tag").stream()
            .map(r -> RetainPolicy.pattern("--keep-tag", r))
            .toList();
    return new KeepRules(
        newest,
        tags,
        Optional.ofNullable(line.getOptionValue("keep-younger-than"))
            .map(d -> RetainPolicy.age("--keep-younger-than", d)));
  }

  private static String describe(KeepRules rules, RetainPolicy policy, Pins pins) {
    String described =
        policy.rules().isEmpty()
            ? rules.describe()
            : "by --policy ("
                + policy.rules().size()
                + " entries)"
                + (rules.isEmpty() ? "" : ", else " + rules.describe());
    int inUse = pins.anywhere().size() + pins.references().size();
    return inUse == 0 ? described : described + ", and " + inUse + " in use by --keep-digests";
  }

  /** What the options keep, for a run on a registry or on storage. */
  private record Keep(KeepRules rules, RetainPolicy policy, Pins pins) {
    /**
     * @param registry empty for storage, where a tag can always be deleted alone; a registry is
     *     asked before deleting
     */
    Retention.Options options(boolean apply, Optional<RegistryName> registry) {
      return new Retention.Options(
          apply,
          rules,
          policy,
          pins,
          registry.map(RegistryName::name),
          registry.isPresent() ? Planner.TagDeletes.NOT_ASKED : Planner.TagDeletes.ALONE,
          registry.map(r -> r.name() + "/").orElse(""));
    }
  }

  /** The registry and its repositories, from --registry and the arguments. */
  private record Target(RegistryName registry, List<String> repositories) {}

  private static Target target(CommandLine line) {
    Optional<RegistryName> given =
        line.hasOption("registry")
            ? Optional.of(Flags.registry(line, "--registry needs HOST[:PORT]"))
            : Optional.empty();
    List<String> repositories = new ArrayList<>();
    RegistryName registry = given.orElse(null);
    for (String argument : line.getArgList()) {
      boolean named =
          argument.contains("/") && RegistryName.looksLikeRegistry(argument.split("/", 2)[0]);
      if (!named && given.isEmpty()) {
        throw new InputException(
            "retain "
                + argument
                + ": name the registry (HOST/REPOSITORY, or --registry HOST): retention never"
                + " guesses where it deletes");
      }
      ImageReference ref;
      try {
        ref =
            named
                ? ImageReference.parseRepository(argument)
                : given.orElseThrow().repository(argument);
      } catch (InvalidValueException e) {
        throw new InputException("retain " + argument + ": " + e.getMessage());
      }
      if (registry != null && !registry.equals(ref.registryName())) {
        throw new InputException(
            "retain covers one registry a run: " + registry + " and " + ref.registryName());
      }
      registry = ref.registryName();
      repositories.add(ref.repository());
    }
    if (registry == null) {
      throw new InputException(
          "retain needs repositories: [REGISTRY/]REPOSITORY..., --registry HOST (its catalog),"
              + " or --storage ROOT");
    }
    return new Target(registry, List.copyOf(repositories));
  }

  /** The named repositories (each once), or every one listed that the globs select. */
  private static List<String> chosen(
      List<String> named, List<String> listed, RepositorySelection selection, String where) {
    if (!named.isEmpty()) {
      if (selection.selects()) {
        throw new InputException(
            "retain: --include and --exclude choose from a listing (--registry or --storage"
                + " without names), and repositories are named here: drop one or the other");
      }
      for (String repository : named) {
        if (!listed.contains(repository)) {
          throw new InputException("retain: no repository " + repository + " " + where);
        }
      }
      return List.copyOf(new LinkedHashSet<>(named));
    }
    List<String> chosen = listed.stream().filter(selection::wanted).toList();
    if (chosen.isEmpty() && selection.selects() && !listed.isEmpty()) {
      throw new InputException(
          "retain: --include and --exclude leave none of the "
              + listed.size()
              + " repositories "
              + where
              + ": check the globs (* stays within a path part, ** crosses them)");
    }
    return chosen;
  }

  /** The run's metrics where asked; a sink that fails turns an intact run's exit into 3. */
  private static Optional<ExitCode> metrics(
      CommandLine line, RetentionResult result, String instance, Clock clock, Context context) {
    PushgatewayOptions push = PushgatewayOptions.read(line, instance, JOB);
    Optional<Path> textfile = Optional.ofNullable(line.getOptionValue("textfile")).map(Path::of);
    if (textfile.isEmpty() && push.gateway().isEmpty()) {
      return Optional.empty();
    }
    long finished = clock.instant().getEpochSecond();
    String metrics = RetainMetrics.render(result, result.exitCode(), push.instance(), finished);
    PushgatewayOptions.Delivery delivery =
        push.deliver(textfile, push.instance(), Shard.all(), metrics, context.errors());
    if (!delivery.failed() || result.exitCode() != ExitCode.INTACT) {
      return Optional.empty();
    }
    // The push failed, so the run exits 3: the textfile, written before, says so too.
    if (textfile.isPresent() && !delivery.textfileFailed()) {
      PushgatewayOptions.write(
          textfile.get(),
          RetainMetrics.render(result, ExitCode.CANNOT_CHECK, push.instance(), finished),
          context.errors());
    }
    return Optional.of(ExitCode.CANNOT_CHECK);
  }
}
