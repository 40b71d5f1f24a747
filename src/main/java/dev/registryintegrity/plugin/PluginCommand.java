package dev.registryintegrity.plugin;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.model.Platform;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.reference.TargetReference;
import dev.registryintegrity.registry.transport.Sleeper;
import dev.registryintegrity.report.Console;
import dev.registryintegrity.report.JsonReport;
import dev.registryintegrity.report.Progress;
import dev.registryintegrity.report.ReportFile;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.report.TextReport;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.verify.CheckSettings;
import dev.registryintegrity.verify.Verifier;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.Transfer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Woodpecker plugin: settings from {@code PLUGIN_*}, a short header of what was understood, the
 * verify engine, a brief report (one line per intact image, every failing digest in full), and the
 * JSON report in the workspace for later steps.
 */
public final class PluginCommand {
  private final Map<String, String> env;
  private final Clock clock;
  private final String version;
  private final String versionLine;
  private final PrintWriter out;

  /**
   * @param version the release, as the JSON report records it
   * @param versionLine the release and its commit, as the header says them
   */
  public PluginCommand(
      Map<String, String> env, Clock clock, String version, String versionLine, PrintWriter out) {
    this.env = env;
    this.clock = clock;
    this.version = version;
    this.versionLine = versionLine;
    this.out = out;
  }

  public ExitCode run() {
    Path workspace = Path.of(env.getOrDefault("CI_WORKSPACE", "")).toAbsolutePath();
    PluginSettings settings = new SettingsReader(env, workspace).read();
    boolean color = "woodpecker".equals(env.get("CI")) && !env.containsKey("NO_COLOR");
    Console console = new Console(out);
    header(settings, console);
    for (String warning : settings.warnings()) {
      console.line(
          "{}warning: {}{}",
          Console.ours(color ? "\u001b[33m" : ""),
          warning,
          Console.ours(color ? "\u001b[0m" : ""));
    }
    if (settings.dryRun()) {
      console.line("dry run: settings are valid; nothing was checked");
      return ExitCode.INTACT;
    }
    Transfer transfer = new Transfer();
    Verifier verifier =
        new Verifier(settings.check(), settings.expectations(), clock, Sleeper.system(), transfer);
    List<TargetReference> targets = List.copyOf(settings.images());
    RunReport report;
    if (settings.progress()) {
      // The step log is no terminal: a line every few seconds once the check runs past 3 s.
      try (Progress progress = new Progress(Progress.walk("verify", transfer), out, false)) {
        report = verifier.verify("verify", targets, settings.warnings());
      }
    } else {
      report = verifier.verify("verify", targets, settings.warnings());
    }
    new TextReport(color, settings.detail()).render(report.withWarnings(List.of()), out);
    boolean written =
        settings
            .report()
            .map(file -> ReportFile.write(new JsonReport(version).render(report), file, out))
            .orElse(true);
    return ReportFile.exitCode(report.exitCode(), written);
  }

  /** What was understood, each value as given shown escaped: settings are the user's text. */
  private void header(PluginSettings s, Console out) {
    out.line("registry-integrity {} (Woodpecker plugin)", versionLine);
    out.line(
        "{}{}{}{}",
        Optional.ofNullable(env.get("CI_PIPELINE_NUMBER"))
            .map(n -> "pipeline #" + n)
            .orElse("pipeline"),
        Optional.ofNullable(env.get("CI_PIPELINE_EVENT")).map(e -> " (" + e + ")").orElse(""),
        Optional.ofNullable(env.get("CI_REPO")).map(r -> " of " + r).orElse(""),
        Optional.ofNullable(env.get("CI_COMMIT_SHA"))
            .map(c -> " at " + c.substring(0, Math.min(8, c.length())))
            .orElse(""));
    out.line(
        "images:      {}",
        Console.upTo(
            2000,
            s.images().stream().map(ImageReference::toString).collect(Collectors.joining(", "))));
    Expectations expected = s.expectations();
    if (!expected.platforms().isEmpty()) {
      out.line(
          "platforms:   {}",
          Console.upTo(
              2000,
              expected.platforms().stream()
                  .map(Platform::toString)
                  .collect(Collectors.joining(", "))));
    }
    expected
        .digest()
        .ifPresent(d -> out.line("expected:    {} (from {})", d, s.expectedDigestSource()));
    CheckSettings check = s.check();
    out.line(
        "credentials: {}",
        s.credentialSources().isEmpty()
            ? "none (anonymous)"
            : Console.upTo(2000, String.join("; ", s.credentialSources())));
    String transport =
        check.plainHttp() ? "plain HTTP" : "HTTPS (plain HTTP for loopback registries)";
    if (check.tls().insecure()) {
      transport += ", TLS NOT VERIFIED (skip_tls_verify)";
    } else if (!check.tls().extraCas().isEmpty()) {
      transport += ", " + check.tls().extraCas().size() + " extra CA certificate(s)";
    }
    out.line(
        "transport:   {}; concurrency {}, retries {}, timeout {} s",
        transport,
        check.limits().concurrency(),
        check.retries(),
        check.timeout().toSeconds());
    BlobCheck blobCheck = check.policy().blobCheck();
    out.line("blob check:  {} ({})", blobCheck.label(), blobCheck.proves());
    if (check.policy().referrers()) {
      out.line(
          "referrers:   walked{}",
          check.requiredArtifactTypes().isEmpty()
              ? ""
              : Console.upTo(
                  1000, "; required: " + String.join(", ", check.requiredArtifactTypes())));
    }
    s.report().ifPresent(r -> out.line("report:      {}", r));
    out.blank();
  }
}
