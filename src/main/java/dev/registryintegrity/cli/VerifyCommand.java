package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.Progress;
import dev.registryintegrity.report.ReportFile;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Transfer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code registry-integrity verify [options] IMAGE...}: the command line over {@link Verifier}. */
final class VerifyCommand implements Command {
  private static final Flags.Defaulted COLOR =
      new Flags.Defaulted("color", "auto|always|never", "auto", "colour the text report");
  private static final Flags.Defaulted LOG_LEVEL =
      Flags.logLevel(
          "the verdict and the failures first, then only the branches that lead to them",
          "every digest of every image");

  @Override
  public About about() {
    return new About(
        "verify",
        "IMAGE...",
        "check that every digest the images reference can be pulled",
        "registry-integrity verify [options] IMAGE...",
        "Checks every digest each IMAGE references (index, child manifests, attestations, configs,"
            + " layers). IMAGE is [registry[:port]/]repo[:tag][@digest] or oci:DIR[:TAG].",
        "Exit codes: 0 intact, 1 integrity failure, 2 usage error, 3 could not check.");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o);
    o.addOption(Flags.format("report on stdout"));
    o.addOption(Flags.valued("report", "FILE", "also write the JSON report to FILE"));
    o.addOption(COLOR.option());
    o.addOption(LOG_LEVEL.option());
    o.addOption(Flags.flag("brief", "the same as --log-level info (the default)"));
    o.addOption(
        Flags.valued(
            "platform",
            "OS/ARCH[/VARIANT]",
            "a platform the index must contain (repeatable, or comma-separated)"));
    o.addOption(
        Flags.valued("expected-digest", "DIGEST", "every image must resolve to this digest"));
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) {
    List<TargetReference> targets = targets(line);
    boolean json = Flags.json(line);
    Optional<Path> reportFile = Optional.ofNullable(line.getOptionValue("report")).map(Path::of);
    boolean color = color(COLOR.value(line), context);
    TextReport.Detail detail = detail(line);
    CheckSettings check = ConnectionOptions.check(line, context);
    List<Platform> platforms = Flags.list(line, "platform").stream().map(Platform::parse).toList();
    Transfer transfer = new Transfer();
    Verifier verifier =
        new Verifier(
            check,
            check.expectations(Flags.digest(line, "expected-digest"), platforms),
            context.environment().clock(),
            Sleeper.system(),
            transfer);
    RunReport report;
    if (ConnectionOptions.progress(line, context)) {
      try (Progress progress =
          new Progress(
              Progress.walk("verify", transfer), context.err(), context.environment().terminal())) {
        report = verifier.verify("verify", targets, List.of());
      }
    } else {
      report = verifier.verify("verify", targets, List.of());
    }
    JsonReport renderer = new JsonReport(Main.version());
    if (json) {
      context.console().json(renderer.render(report));
    } else {
      new TextReport(color, detail).render(report, context.out());
    }
    boolean written =
        reportFile
            .map(file -> ReportFile.write(renderer.render(report), file, context.err()))
            .orElse(true);
    return ReportFile.exitCode(report.exitCode(), written);
  }

  private static List<TargetReference> targets(CommandLine line) {
    if (line.getArgList().isEmpty()) {
      throw new InputException(
          "no image given: registry-integrity verify [options] IMAGE... (e.g. ghcr.io/org/app:1.0)");
    }
    return line.getArgList().stream().map(TargetReference::parse).toList();
  }

  private static boolean color(String value, Context context) {
    return switch (value) {
      case "always" -> true;
      case "never" -> false;
      case "auto" ->
          context.environment().terminal()
              && !context.environment().variables().containsKey("NO_COLOR");
      default ->
          throw new InputException(
              "--color '" + value + "' is not known: use auto, always or never");
    };
  }

  private static TextReport.Detail detail(CommandLine line) {
    if (!Flags.debug(LOG_LEVEL, line)) {
      return TextReport.Detail.BRIEF;
    }
    if (line.hasOption("brief")) {
      throw new InputException(
          "--brief and --log-level "
              + LOG_LEVEL.value(line).trim().toLowerCase(Locale.ROOT)
              + " contradict each other: give one");
    }
    return TextReport.Detail.FULL;
  }
}
