package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.heal.Donor;
import dev.registryintegrity.heal.FileDonor;
import dev.registryintegrity.heal.HealReport;
import dev.registryintegrity.heal.Healer;
import dev.registryintegrity.heal.RegistryDonor;
import dev.registryintegrity.heal.Restoration;
import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.transport.RegistryTransport;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.Progress;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.storage.StorageRoots;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.ImageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity heal IMAGE... --from SOURCE...}: walks each image as verify does, puts
 * back every missing manifest and blob by digest from the sources, then verifies again.
 */
final class HealCommand implements Command {
  /** Rounds of walk-and-restore: a restored manifest can reveal children that were missing too. */
  private static final int MAX_ROUNDS = 4;

  @Override
  public About about() {
    return new About(
        "heal",
        "IMAGE...",
        "put missing manifests and blobs back by digest (--from SOURCE), then verify",
        "registry-integrity heal [options] IMAGE... --from SOURCE...",
        "Puts a broken image's missing manifests and blobs back by digest, from wherever they"
            + " survive, then verifies it. Pushes by digest only: never deletes, never moves or"
            + " creates a tag.",
        "Exit codes: 0 every image intact afterwards (with --dry-run: everything missing was"
            + " found), 1 something stays missing, 2 usage error, 3 could not check or push.");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(
        Flags.valued(
            "from",
            "SOURCE",
            "where missing content may survive, asked in the order given (repeatable):"
                + " docker://HOST/REPO or HOST/REPO (another registry or repository), oci:DIR (an"
                + " OCI layout), storage:ROOT (a registry's storage, a directory or s3://BUCKET/ROOT: a backup, say)"));
    o.addOption(
        Flags.valued(
            "from-repos",
            "REPO[,REPO]",
            "repositories of the image's own registry to mount blobs from (asked first: a mount"
                + " moves no bytes)"));
    o.addOption(
        Flags.flag(
            "from-catalog", "every repository the registry's catalog lists, after --from-repos"));
    o.addOption(
        Flags.flag(
            "dry-run",
            "print the plan (what is missing, where it was found, bytes to move); write nothing"));
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) {
    List<ImageReference> images = images(line.getArgList());
    List<String> from = Flags.repeated(line, "from");
    List<String> repos = Flags.list(line, "from-repos");
    if (from.isEmpty() && repos.isEmpty() && !line.hasOption("from-catalog")) {
      throw new InputException(
          "no source to heal from: give --from SOURCE (docker://HOST/REPO, oci:DIR, storage:ROOT),"
              + " --from-repos REPO or --from-catalog");
    }
    boolean dryRun = line.hasOption("dry-run");
    CheckSettings check = ConnectionOptions.check(line, context);
    Clock clock = context.environment().clock();
    Verifier verifier = new Verifier(check, Expectations.none(), clock, Sleeper.system());
    List<TargetReference> targets = new ArrayList<>(images);
    Console console = context.console();
    RunReport before = verifier.verify("heal", targets, List.of());
    // The walk each round heals from; after the last productive round it is the verify after.
    RunReport walked = before;
    Donor.Transfer moved = new Donor.Transfer();
    List<Restoration> restorations = new ArrayList<>();
    Deadline deadline = Deadline.after(clock, check.timeout(), check.spelling());
    try (RegistryTransport transport =
        new RegistryTransport(check.transport(), clock, Sleeper.system(), deadline)) {
      Map<String, Healer> healers = new LinkedHashMap<>();
      boolean progress = ConnectionOptions.progress(line, context);
      for (int round = 0; round < (dryRun ? 1 : MAX_ROUNDS); round++) {
        int settledBefore = restorations.size();
        for (int i = 0; i < images.size(); i++) {
          ImageReference image = images.get(i);
          ImageResult result = walked.images().get(i);
          Healer healer =
              healers.computeIfAbsent(
                  image.registry() + "/" + image.repository(),
                  k ->
                      healer(
                          image,
                          transport,
                          check,
                          from,
                          repos,
                          line.hasOption("from-catalog"),
                          dryRun,
                          moved,
                          context.environment().variables()));
          if (round == 0 && result.root().kind() == Kind.TAG) {
            console.line(
                "heal {}: the tag does not resolve: heal puts content back by digest and never"
                    + " creates a tag; give IMAGE@DIGEST",
                image);
          }
          try (Progress ticker =
              progress
                  ? new Progress(
                      () -> "heal: " + ByteSize.format(moved.bytes()) + " copied",
                      context.err(),
                      context.environment().terminal())
                  : null) {
            restorations.addAll(healer.heal(image.repository(), result));
          }
        }
        boolean restored =
            restorations.subList(settledBefore, restorations.size()).stream()
                .anyMatch(Restoration::ok);
        if (dryRun || !restored) {
          break;
        }
        walked = verifier.verify("heal", targets, List.of());
        if (walked.exitCode() == ExitCode.INTACT) {
          break;
        }
      }
    }
    new HealReport(dryRun).render(restorations, console);
    console.blank();
    if (dryRun) {
      new TextReport(false, TextReport.Detail.BRIEF).render(before, context.out());
      return HealReport.planExit(before, restorations);
    }
    // Every productive round ends with a verify, so the last walk is the state heal left.
    new TextReport(false, TextReport.Detail.BRIEF).render(walked, context.out());
    ExitCode exit = HealReport.exit(walked, restorations);
    if (exit == ExitCode.INTEGRITY_FAILURE) {
      console.line(
          "heal: what no source holds can only come back by a rebuild and re-push (a new digest):"
              + " give another --from that may hold it first");
    }
    return exit;
  }

  private Healer healer(
      ImageReference image,
      RegistryTransport transport,
      CheckSettings check,
      List<String> from,
      List<String> repos,
      boolean catalog,
      boolean dryRun,
      Donor.Transfer moved,
      java.util.Map<String, String> variables) {
    RegistryClient target = RegistryClient.open(image.registryName(), transport, check.plainHttp());
    Path spool = Path.of(System.getProperty("java.io.tmpdir"));
    List<Donor> donors = new ArrayList<>();
    List<String> same = new ArrayList<>(repos);
    if (catalog) {
      for (String repo : target.listRepositories(1000)) {
        if (!same.contains(repo)) {
          same.add(repo);
        }
      }
    }
    same.remove(image.repository());
    for (String repo : same) {
      donors.add(new RegistryDonor(target, repo, true, spool));
    }
    for (String source : from) {
      donors.add(donor(source, image, target, transport, check, spool, variables));
    }
    return new Healer(
        target,
        donors,
        new Healer.Settings(
            dryRun, check.limits().concurrency(), check.limits().maxManifestBytes()),
        moved);
  }

  private static Donor donor(
      String source,
      ImageReference image,
      RegistryClient target,
      RegistryTransport transport,
      CheckSettings check,
      Path spool,
      java.util.Map<String, String> variables) {
    String value = source.trim();
    if (value.startsWith("oci:")) {
      return FileDonor.ociLayout(existing("oci:", value.substring(4)));
    }
    if (value.startsWith("storage:")) {
      String root = value.substring(8);
      return FileDonor.storage(
          StorageRoots.isS3(root) ? root : existing("storage:", root).toString(), variables);
    }
    String reference = value.startsWith("docker://") ? value.substring(9) : value;
    ImageReference donor;
    try {
      donor = ImageReference.parse(reference);
    } catch (RuntimeException e) {
      throw new InputException(
          "--from '"
              + source
              + "' is not a source: give docker://HOST/REPO, HOST/REPO, oci:DIR or storage:ROOT ("
              + e.getMessage()
              + ")");
    }
    boolean same = donor.registry().equals(image.registry());
    return new RegistryDonor(
        same ? target : RegistryClient.open(donor.registryName(), transport, check.plainHttp()),
        donor.repository(),
        same,
        spool);
  }

  private static Path existing(String prefix, String path) {
    Path p = Path.of(path.isEmpty() ? "." : path);
    if (!Files.isDirectory(p)) {
      throw new InputException(
          "--from " + prefix + path + ": no such directory: give the directory that holds it");
    }
    return p;
  }

  private static List<ImageReference> images(List<String> arguments) {
    if (arguments.isEmpty()) {
      throw new InputException(
          "no image given: registry-integrity heal [options] IMAGE... --from SOURCE");
    }
    List<ImageReference> images = new ArrayList<>();
    for (String argument : arguments) {
      TargetReference target = TargetReference.parse(argument);
      if (!(target instanceof ImageReference image)) {
        throw new InputException(
            "heal "
                + argument
                + ": heal writes to a registry; an OCI layout is a source (--from oci:DIR)");
      }
      images.add(image);
    }
    return images;
  }
}
