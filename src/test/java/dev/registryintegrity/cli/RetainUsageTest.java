package dev.registryintegrity.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.fixture.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What retain refuses before it reads anything: each a one-line exit 2 naming the input, on a
 * storage directory that has a repository (nothing in it is read or changed).
 */
class RetainUsageTest {
  @TempDir Path work;

  @BeforeEach
  void storage() throws IOException {
    Files.createDirectories(work.resolve("root/docker/registry/v2/repositories/app/_manifests"));
    Files.createDirectories(work.resolve("root/docker/registry/v2/repositories/web/_manifests"));
    Files.writeString(
        work.resolve("only-web.json"),
        "{\"repositories\": [{\"match\": \"web\", \"keepNewest\": 1}]}");
    Files.writeString(
        work.resolve("fraction.json"),
        "{\"repositories\": [{\"match\": \"**\", \"keepNewest\": 1.9}]}");
    Files.writeString(
        work.resolve("object-tag.json"),
        "{\"repositories\": [{\"match\": \"**\", \"keepTags\": [{}]}]}");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "retain STORAGE                                   | retain needs a keep rule",
        "retain --policy only-web.json STORAGE            | retain app: no --policy entry matches it and the command line gives no keep rule",
        "retain --policy fraction.json STORAGE            | keepNewest is 1.9: give a whole number of at least 1",
        "retain --policy object-tag.json STORAGE          | keepTags holds {}: each entry is a regular expression string",
        "retain --keep-newest 1 --include [ STORAGE       | --include '[' is not a glob",
        "retain --keep-newest 1 --exclude web STORAGE app | --include and --exclude choose from a listing",
        "retain --keep-newest 1 --registry r.example STORAGE | --registry is for its API",
        "retain --keep-newest 1 STORAGE nope              | retain: no repository nope",
        "retain --keep-newest 0 STORAGE                   | --keep-newest",
        "retain --keep-tag ( STORAGE                      | --keep-tag",
        "retain --keep-newest 1 app                       | name the registry (HOST/REPOSITORY, or --registry HOST)",
        "retain --keep-newest 1 --repos-file x r.example/app | --repos-file lists the repositories, and repositories are named here",
        "retain --keep-newest 1 --include nope/** STORAGE  | --include and --exclude leave none of the 2 repositories",
        "retain --keep-newest 1 --instance prod STORAGE    | --instance labels the metrics: give --textfile PATH or --pushgateway URL too",
        "retain --keep-newest 1 --log-level verbose STORAGE | --log-level 'verbose' is not known: use info or debug",
      })
  void badInputExitsTwoWithOneLineNamingTheInput(String args, String message) {
    List<String> argv = new ArrayList<>();
    for (String a : args.trim().split("\\s+")) {
      if (a.equals("STORAGE")) {
        argv.add("--storage");
        argv.add(work.resolve("root").toString());
      } else if (a.endsWith(".json")) {
        argv.add(work.resolve(a).toString());
      } else {
        argv.add(a);
      }
    }
    Cli.Run run = Cli.run(argv.toArray(String[]::new));
    assertEquals(2, run.exitCode(), run.all());
    assertTrue(run.err().contains(message), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertFalse(run.all().contains("Exception"), run.all());
  }

  @org.junit.jupiter.api.Test
  void aPushThatFailsMakesTheRunExitThreeAndTheTextfileSaysSo() throws Exception {
    Path prom = work.resolve("metrics/retain.prom");
    Cli.Run run =
        Cli.run(
            "retain",
            "--keep-newest",
            "1",
            "--storage",
            work.resolve("root").toString(),
            "--textfile",
            prom.toString(),
            "--pushgateway",
            "http://127.0.0.1:1",
            "--format",
            "json");
    assertEquals(3, run.exitCode(), run.all());
    assertEquals(3, run.json().get("exitCode").getAsInt(), "the report states the exit code");
    assertTrue(
        Files.readString(prom).contains("registry_manifest_integrity_retention_success{"),
        Files.readString(prom));
    assertTrue(
        Files.readString(prom)
            .lines()
            .anyMatch(l -> l.contains("retention_success{") && l.endsWith(" 0")),
        Files.readString(prom));
  }
}
