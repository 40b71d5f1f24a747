package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Settings come from the pipeline file, which a pull request from a fork may change: no file
 * setting may crash the run, hang it, read or write outside the workspace, or exit 1.
 */
class HostileSettingsTest {
  @TempDir Path dir;
  private Path workspace;
  private Path fifo;

  @BeforeEach
  void workspace() throws Exception {
    workspace = Files.createDirectories(dir.resolve("ws"));
    Files.createDirectories(workspace.resolve("a-directory"));
    fifo = workspace.resolve("a-fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
    Files.writeString(dir.resolve("outside.pem"), "not a certificate");
  }

  private Cli.Run plugin(String setting, String value) {
    Map<String, String> env = new HashMap<>();
    env.put("CI_WORKSPACE", workspace.toString());
    env.put("PLUGIN_REPO", "127.0.0.1:1/team/app");
    if (!setting.equals("PLUGIN_TAGS_FILE")) {
      // tags_file is read only when tags is not set
      env.put("PLUGIN_TAGS", "v1");
    }
    env.put("PLUGIN_RETRIES", "0");
    env.put(setting, value);
    return Cli.run(env, "");
  }

  private static void assertUsageErrorInOneLine(Cli.Run run, String naming) {
    assertEquals(2, run.exitCode(), run.all());
    List<String> errors =
        run.all().lines().filter(l -> l.startsWith("registry-integrity: error:")).toList();
    assertEquals(1, errors.size(), run.all());
    assertTrue(errors.get(0).contains(naming), errors.get(0));
    assertFalse(run.all().contains("\tat ") || run.all().contains("Exception"), run.all());
  }

  @ParameterizedTest
  @ValueSource(strings = {"PLUGIN_CA_CERT", "PLUGIN_METADATA_FILE", "PLUGIN_TAGS_FILE"})
  @Timeout(20)
  void anEndlessDeviceIsRefusedNotReadIntoMemory(String setting) {
    assertUsageErrorInOneLine(plugin(setting, "/dev/zero"), "outside the workspace");
    Path link = workspace.resolve("zero");
    try {
      Files.createSymbolicLink(link, Path.of("/dev/zero"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    // Inside the workspace by name, outside by where it leads.
    assertUsageErrorInOneLine(plugin(setting, "zero"), "outside the workspace");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PLUGIN_CA_CERT", "PLUGIN_METADATA_FILE", "PLUGIN_TAGS_FILE"})
  @Timeout(20)
  void aFifoOrADirectoryInTheWorkspaceIsRefusedWithoutWaiting(String setting) {
    assertUsageErrorInOneLine(plugin(setting, "a-fifo"), "is not a regular file");
    assertUsageErrorInOneLine(plugin(setting, "a-directory"), "is not a regular file");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"PLUGIN_CA_CERT", "PLUGIN_METADATA_FILE", "PLUGIN_TAGS_FILE", "PLUGIN_REPORT"})
  void pathsOutsideTheWorkspaceAreRefused(String setting) {
    assertUsageErrorInOneLine(plugin(setting, "../outside.pem"), "outside the workspace");
    assertUsageErrorInOneLine(
        plugin(setting, dir.resolve("outside.pem").toString()), "outside the workspace");
  }

  @Test
  void theReportCannotBeWrittenThroughATraversalEither() {
    assertUsageErrorInOneLine(
        plugin("PLUGIN_REPORT", "reports/../../../etc/x.json"), "outside the workspace");
    assertFalse(Files.exists(dir.resolve("etc")));
  }

  @Test
  @Timeout(20)
  void commandLineFilesAreCheckedTheSameWay() throws Exception {
    assertUsageErrorInOneLine(
        Cli.run("verify", "--ca-cert", "/dev/zero", "127.0.0.1:1/x:y"), "is not a regular file");
    assertUsageErrorInOneLine(
        Cli.run("verify", "--ca-cert", fifo.toString(), "127.0.0.1:1/x:y"),
        "is not a regular file");
    assertUsageErrorInOneLine(
        Cli.run("probe", "--registry", "127.0.0.1:1", "--repos-file", fifo.toString()),
        "is not a regular file");
    Path huge = dir.resolve("huge.pem");
    try (var out = Files.newOutputStream(huge)) {
      out.write(new byte[5 << 20]);
    }
    assertUsageErrorInOneLine(
        Cli.run("verify", "--ca-cert", huge.toString(), "127.0.0.1:1/x:y"), "larger than");
  }

  @Test
  void anEndlessStandardInputIsNoPassword() {
    Cli.Run run =
        Cli.run(
            Map.of(),
            "x".repeat(70_000),
            "verify",
            "--username",
            "u",
            "--password-stdin",
            "127.0.0.1:1/x:y");
    assertUsageErrorInOneLine(run, "more than 64 KiB");
  }

  @Test
  void whateverEscapesEveryHandlerExitsThreeInOneLineNeverOne() {
    InputStream exploding =
        new InputStream() {
          @Override
          public int read() {
            throw new OutOfMemoryError("Java heap space");
          }

          @Override
          public int read(byte[] b, int off, int len) {
            throw new OutOfMemoryError("Java heap space");
          }
        };
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    int code =
        dev.registryintegrity.cli.Main.run(
            new String[] {"verify", "--username", "u", "--password-stdin", "127.0.0.1:1/x:y"},
            new dev.registryintegrity.cli.Main.Environment(
                Map.of(), exploding, java.time.Clock.systemUTC(), false),
            new java.io.PrintWriter(out),
            new java.io.PrintWriter(err));
    assertEquals(3, code, err.toString());
    assertEquals(
        List.of(
            "registry-integrity: internal error, nothing was decided: out of memory (an input or an answer"
                + " was larger than expected) (run with --debug for the stack trace)"),
        err.toString().lines().toList());
  }

  /**
   * Every setting, and the CI variables the header shows, carrying an escape sequence, a carriage
   * return, a bell and a bidi override: whatever the plugin prints (its header, a warning, a usage
   * error) shows them escaped. With dry_run, nothing is sent anywhere.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Setting.class)
  void controlCharactersInAnySettingNeverReachTheStepLog(Setting setting) {
    String forged = "x\u001b[31m\r\nINTACT: forged\u0007\u202e";
    Map<String, String> env = new HashMap<>();
    env.put("CI_WORKSPACE", workspace.toString());
    env.put("PLUGIN_REPO", "127.0.0.1:1/team/app");
    env.put("PLUGIN_DRY_RUN", "true");
    env.put("CI_REPO", forged);
    env.put("CI_PIPELINE_EVENT", forged);
    env.put(setting.variables().get(0), forged);
    Cli.Run run = Cli.run(env, "");
    for (char c : run.all().toCharArray()) {
      assertFalse(
          c != '\n' && (c < 0x20 || c == 0x7f || c == 0x202e),
          setting.key() + ": control character " + (int) c + " in the step log:\n" + run.all());
    }
    assertFalse(run.all().lines().anyMatch(l -> l.startsWith("INTACT")), run.all());
  }
}
