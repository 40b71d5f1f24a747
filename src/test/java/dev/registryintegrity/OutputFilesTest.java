package dev.registryintegrity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registryintegrity.probe.MetricsSinks;
import dev.registryintegrity.report.ReportFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is written for another program (node_exporter, the next pipeline step) can be read by it:
 * rw-r--r--, not the 0600 of a temporary file.
 */
class OutputFilesTest {
  @TempDir Path dir;

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void theMetricsTextfileAndTheReportAreReadableByOtherUsers() throws Exception {
    Path prom = dir.resolve("retain.prom");
    MetricsSinks.writeTextfile(prom, "registry_manifest_integrity_retention_success 1\n");
    assertEquals("rw-r--r--", mode(prom));
    Path report = dir.resolve("report.json");
    ReportFile.write("{}", report, new PrintWriter(new StringWriter()));
    assertEquals("rw-r--r--", mode(report));
  }
}
