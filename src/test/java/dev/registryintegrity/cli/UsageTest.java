package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageTest {
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "verify Foo/Bar                          | invalid image reference 'Foo/Bar': repository names must be lowercase",
        "verify --bogus alpine                   | unknown option '--bogus': run 'registry-integrity verify --help'",
        "verify --refferers alpine               | unknown option '--refferers': did you mean '--referrers'?",
        "probe --registy r.example               | unknown option '--registy': did you mean '--registry'?",
        "verify                                  | no image given",
        "verify --format yaml alpine             | --format 'yaml' is not known",
        "verify --concurrency 0 alpine           | --concurrency is 0: use a number from 1 to 256",
        "verify --concurrency 300 alpine         | --concurrency is 300: use a number from 1 to 256",
        "verify --retries 21 alpine              | --retries is 21: use a number from 0 to 20",
        "verify --retries -1 alpine              | --retries is -1: use a number from 0 to 20",
        "fsck --concurrency 999 /tmp             | --concurrency is 999: use a number from 1 to 256",
        "probe --registry http://r.example       | --registry: registry 'http://r.example' is a URL",
        "verify --concurrency many alpine        | --concurrency 'many' is not a whole number",
        "verify --timeout soon alpine            | --timeout 'soon' is not a duration",
        "verify --platform linux alpine          | platform 'linux' is malformed",
        "verify --expected-digest sha256:1 alpine | --expected-digest: digest 'sha256:1' is malformed",
        "verify --password secret alpine         | a password was given without --username",
        "verify --insecure alpine                | --insecure means two things to different tools: give --skip-tls-verify",
        "verify --color sometimes alpine         | --color 'sometimes' is not known",
        "gc                                      | unknown command 'gc'",
        "verify oci:/nonexistent/dir:latest      | OCI layout '/nonexistent/dir' is not a directory",
        "watch --registry r.example              | watch needs --token-file FILE (distribution's notifications",
        "watch --registry r.example --webhook-secret-file /nonexistent/s | --webhook-secret-file",
        "watch --registry r.example --webhook-secret-file .gitignore | --webhook-secret-file: the secret must be at least 16 printable characters without spaces",
      })
  void badInputExitsTwoWithOneLineNamingTheInput(String args, String message) {
    Cli.Run run = Cli.run(args.trim().split("\\s+"));
    assertEquals(2, run.exitCode(), run.all());
    assertTrue(run.err().contains(message), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertFalse(run.all().contains("Exception"), run.all());
  }

  @Test
  void noArgumentsPrintsUsageAndExitsTwo() {
    Cli.Run run = Cli.run();
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("usage: registry-integrity <command>"));
  }

  @Test
  void helpListsTheOptionsAndExitCodes() {
    Cli.Run run = Cli.run("verify", "--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("--concurrency"));
    assertTrue(
        run.out()
            .contains(
                "Exit codes: 0 intact, 1 integrity failure, 2 usage error, 3 could not check"));
  }
}
