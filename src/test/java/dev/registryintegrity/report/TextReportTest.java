package dev.registryintegrity.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import dev.registryintegrity.walk.Node;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TextReportTest {
  private static Node node(Kind kind, int i, Finding finding, List<Node> children) {
    Digest d = Digest.sha256Of(("digest " + kind + i).getBytes(StandardCharsets.UTF_8));
    return Node.of(kind, Descriptor.of("", d, 100))
        .platform(Optional.of("linux/arch" + i))
        .status("200")
        .finding(finding)
        .children(children)
        .build();
  }

  private static String render(TextReport.Detail detail, ImageResult image) {
    StringWriter out = new StringWriter();
    RunReport report =
        new RunReport(
            "verify",
            Instant.EPOCH,
            Duration.ZERO,
            List.of(image),
            1,
            List.of(),
            List.of(),
            BlobCheck.READ,
            0,
            RunReport.LeftOut.NONE);
    new TextReport(false, detail).render(report, new PrintWriter(out));
    return out.toString();
  }

  @Test
  void theVerdictAndTheFailureComeFirstAndOnlyTheirBranchIsShown() {
    Finding ok = new Finding.Intact(List.of(), Proof.SERVED);
    List<Node> children = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Node layer = node(Kind.LAYER, i, ok, List.of());
      Finding f = i == 17 ? new Finding.Missing("MANIFEST_UNKNOWN", "manifest unknown") : ok;
      children.add(node(Kind.MANIFEST, i, f, i == 17 ? List.of() : List.of(layer)));
    }
    Node index = node(Kind.INDEX, 99, ok, children);
    String text =
        render(
            TextReport.Detail.BRIEF,
            new ImageResult(
                "reg/app:v1",
                new Origin(Origin.Medium.REGISTRY, "registry reg"),
                index,
                List.of()));
    List<String> lines = text.lines().toList();
    assertTrue(lines.get(0).startsWith("FAIL: 1 image, 100 digests: 99 intact, 1 failed"), text);
    assertTrue(lines.get(3).contains("MISSING manifest linux/arch17"), text);
    assertTrue(lines.size() < 20, lines.size() + " lines:\n" + text);
    assertTrue(
        text.contains("... and 98 intact digests (log level debug lists every digest)"), text);
    String full =
        render(
            TextReport.Detail.FULL,
            new ImageResult(
                "reg/app:v1",
                new Origin(Origin.Medium.REGISTRY, "registry reg"),
                index,
                List.of()));
    assertTrue(full.lines().count() > 100, "debug lists every digest");
  }

  @Test
  void hundredsOfTheSameFindingAreOneEntryWithACount() {
    List<Node> children = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      children.add(
          node(
              Kind.LAYER,
              i,
              new Finding.Unreachable("not checked: the run's deadline passed"),
              List.of()));
    }
    Node index = node(Kind.INDEX, 999, new Finding.Intact(List.of(), Proof.HASHED), children);
    String text =
        render(
            TextReport.Detail.FAILURES,
            new ImageResult(
                "reg/app:v1",
                new Origin(Origin.Medium.REGISTRY, "registry reg"),
                index,
                List.of()));
    assertEquals(1, text.lines().filter(l -> l.contains("400 digests alike")).count(), text);
    assertTrue(text.lines().count() < 20, text.lines().count() + " lines:\n" + text);
    assertTrue(text.contains("... and 397 more layers: UNCHECKED"), text);
    String full =
        render(
            TextReport.Detail.FULL,
            new ImageResult(
                "reg/app:v1",
                new Origin(Origin.Medium.REGISTRY, "registry reg"),
                index,
                List.of()));
    assertFalse(full.contains("digests alike"), "debug lists every entry on its own");
    assertTrue(full.contains("  400. UNCHECKED layer"), full);
  }
}
