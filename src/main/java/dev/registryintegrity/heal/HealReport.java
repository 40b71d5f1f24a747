package dev.registryintegrity.heal;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.model.ByteSize;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.walk.Graphs;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Verdict;
import java.util.List;

/** What heal did (or, in a dry run, would do) per digest, and the exit code it comes to. */
public final class HealReport {
  private final boolean dryRun;

  public HealReport(boolean dryRun) {
    this.dryRun = dryRun;
  }

  public void render(List<Restoration> restorations, Console console) {
    long ok = restorations.stream().filter(Restoration::ok).count();
    long bytes = restorations.stream().mapToLong(Restoration::bytesMoved).sum();
    if (restorations.isEmpty()) {
      console.line("heal: nothing missing that heal can put back");
      return;
    }
    console.line(
        "heal{}: {} digest{} missing: {} {}, {} still missing, {} {}",
        Console.ours(dryRun ? " (dry run, nothing written)" : ""),
        restorations.size(),
        Console.ours(restorations.size() == 1 ? "" : "s"),
        ok,
        Console.ours(dryRun ? "found" : "restored"),
        restorations.size() - ok,
        ByteSize.format(bytes),
        Console.ours(dryRun ? "to copy" : "copied"));
    for (Restoration r : restorations) {
      String head =
          switch (r.outcome()) {
            case Restoration.Restored x -> "restored";
            case Restoration.Planned x -> "would restore";
            case Restoration.StillMissing x -> "still missing";
            case Restoration.NotPushed x -> x.couldNotCheck() ? "not pushed" : "refused";
          };
      String what =
          switch (r.outcome()) {
            case Restoration.Restored x -> "from " + x.from() + " (" + x.method() + ")";
            case Restoration.Planned x -> "from " + x.from() + " (" + x.method() + ")";
            case Restoration.StillMissing x -> x.why();
            case Restoration.NotPushed x -> x.why();
          };
      console.line(
          "  {} {} {} {} {}  {}{}",
          Console.cell(head, 13),
          Console.cell(r.kind().label(), 11),
          Console.cell(r.platform().orElse("-"), 13),
          r.descriptor().digest(),
          Console.cell(ByteSize.format(Math.max(0, r.descriptor().size())), 9),
          what,
          r.ok() || r.lookedIn().isEmpty()
              ? Console.ours("")
              : Console.upTo(2000, " (looked in: " + String.join("; ", r.lookedIn()) + ")"));
    }
  }

  /** After a real run: could not push is 3, else what the verify after it says. */
  public static ExitCode exit(RunReport after, List<Restoration> restorations) {
    return couldNotPush(restorations) ? ExitCode.CANNOT_CHECK : after.exitCode();
  }

  /**
   * A dry run: 0 when the image is intact or every missing digest was found, 1 when something would
   * stay missing (or is broken in a way heal does not cure), 3 when a check could not be made.
   */
  public static ExitCode planExit(RunReport before, List<Restoration> restorations) {
    if (couldNotPush(restorations) || before.exitCode() == ExitCode.CANNOT_CHECK) {
      return ExitCode.CANNOT_CHECK;
    }
    if (before.exitCode() == ExitCode.INTACT) {
      return ExitCode.INTACT;
    }
    boolean allFound = restorations.stream().allMatch(Restoration::ok);
    boolean onlyHealable = before.images().stream().allMatch(HealReport::onlyHealableFailures);
    return allFound && onlyHealable ? ExitCode.INTACT : ExitCode.INTEGRITY_FAILURE;
  }

  private static boolean onlyHealableFailures(ImageResult image) {
    if (image.imageFindings().stream().anyMatch(f -> f.verdict() == Verdict.FAIL)) {
      return false;
    }
    boolean[] other = {false};
    Graphs.forEachUnique(
        image.root(),
        (node, path) -> {
          if (node.finding().verdict() == Verdict.FAIL && !Healer.healable(node.finding())) {
            other[0] = true;
          }
        });
    return !other[0];
  }

  private static boolean couldNotPush(List<Restoration> restorations) {
    return restorations.stream()
        .anyMatch(r -> r.outcome() instanceof Restoration.NotPushed n && n.couldNotCheck());
  }
}
