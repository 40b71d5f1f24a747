package dev.registryintegrity.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Proof;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule that turns a source's answer into a finding, as a table. */
class JudgeTest {
  private static final byte[] BODY =
      ("{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":{\"mediaType\":\""
              + MediaTypes.OCI_CONFIG
              + "\",\"digest\":\"sha256:"
              + "a".repeat(64)
              + "\",\"size\":2},\"layers\":[]}")
          .getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256Of(BODY);
  private static final Digest OTHER = Digest.sha256Of("other".getBytes(StandardCharsets.UTF_8));
  private static final Descriptor BLOB =
      Descriptor.of("application/vnd.oci.image.layer.v1.tar+gzip", DIGEST, 10);
  private static final Descriptor FOREIGN =
      new Descriptor(
          MediaTypes.DOCKER_FOREIGN_LAYER,
          DIGEST,
          10,
          Optional.empty(),
          Map.of(),
          Optional.empty(),
          List.of("https://example.invalid/layer"));

  private static Lookup.Found found(OptionalLong size, Optional<Digest> reported, Proof proof) {
    return new Lookup.Found("200", "", size, reported, Optional.empty(), List.of(), proof);
  }

  static Stream<Arguments> existence() {
    return Stream.of(
        Arguments.of(
            "served at its size",
            found(OptionalLong.of(10), Optional.empty(), Proof.SERVED),
            "intact"),
        Arguments.of(
            "size not reported is a note",
            found(OptionalLong.empty(), Optional.empty(), Proof.LISTED),
            "intact"),
        Arguments.of(
            "another size",
            found(OptionalLong.of(9), Optional.empty(), Proof.SERVED),
            "size-differs"),
        Arguments.of(
            "a header naming another digest",
            found(OptionalLong.of(10), Optional.of(OTHER), Proof.LISTED),
            "digest-differs"),
        Arguments.of(
            "bytes hashing to another digest",
            found(OptionalLong.of(10), Optional.of(OTHER), Proof.HASHED),
            "digest-differs"),
        Arguments.of(
            "absent", new Lookup.Absent("404 BLOB_UNKNOWN", "BLOB_UNKNOWN", ""), "missing"),
        Arguments.of("listed, not served", new Lookup.Unserved("200", "no bytes"), "data-missing"),
        Arguments.of("too large", new Lookup.TooLarge("200", 4), "limit-exceeded"),
        Arguments.of(
            "could not ask", new Lookup.Unavailable("-", "connection refused"), "unchecked"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void existence(String why, Lookup lookup, String code) {
    assertEquals(code, Judge.existence(BLOB, lookup).code());
  }

  static Stream<Arguments> external() {
    return Stream.of(
        Arguments.of("not asked", Optional.empty(), "external", Verdict.OK),
        Arguments.of(
            "served by its URL",
            Optional.of(found(OptionalLong.empty(), Optional.empty(), Proof.SERVED)),
            "external",
            Verdict.OK),
        Arguments.of(
            "its URL does not serve it",
            Optional.of(new Lookup.Absent("404", "EXTERNAL_UNSERVED", "")),
            "missing",
            Verdict.FAIL),
        Arguments.of(
            "its URL cannot be reached",
            Optional.of(new Lookup.Unavailable("-", "no route")),
            "unchecked",
            Verdict.UNKNOWN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void external(String why, Optional<Lookup> fromUrl, String code, Verdict verdict) {
    Finding finding = Judge.external(FOREIGN, fromUrl);
    assertEquals(code, finding.code());
    assertEquals(verdict, finding.verdict());
  }

  @Test
  void onlyAnExternalDescriptorMayBeAbsentLawfully() {
    Finding missing = new Finding.Missing("BLOB_UNKNOWN", "");
    assertTrue(Judge.lawfullyAbsent(FOREIGN, missing));
    assertTrue(Judge.lawfullyAbsent(FOREIGN, new Finding.DataMissing("no bytes")));
    assertEquals(false, Judge.lawfullyAbsent(BLOB, missing));
    assertEquals(false, Judge.lawfullyAbsent(FOREIGN, new Finding.SizeDiffers(10, 9)));
  }

  @Test
  void aGoneSubjectIsAWarningUnlessStrict() {
    Lookup gone = new Lookup.Absent("404", "MANIFEST_UNKNOWN", "");
    assertEquals(
        Verdict.WARN,
        new Judge(WalkLimits.defaults(), WalkPolicy.defaults()).subject(BLOB, gone).verdict());
    assertEquals(
        Verdict.FAIL,
        new Judge(WalkLimits.defaults(), WalkPolicy.of(BlobCheck.READ, WalkPolicy.Option.STRICT))
            .subject(BLOB, gone)
            .verdict());
    assertEquals(
        Verdict.WARN,
        new Judge(WalkLimits.defaults(), WalkPolicy.defaults())
            .namedSubject(DIGEST, gone)
            .verdict());
    assertEquals(
        Verdict.UNKNOWN,
        new Judge(WalkLimits.defaults(), WalkPolicy.defaults())
            .subject(BLOB, new Lookup.Unavailable("-", "down"))
            .verdict());
  }

  static Stream<Arguments> manifest() throws Exception {
    Manifest parsed = new ManifestParser().parse(BODY, "");
    Descriptor exact = Descriptor.of(MediaTypes.OCI_MANIFEST, DIGEST, BODY.length);
    Lookup.Found served =
        Lookup.Found.withBody("200", MediaTypes.OCI_MANIFEST, Optional.empty(), BODY, List.of());
    return Stream.of(
        Arguments.of(
            "hashes, sizes, parses",
            exact,
            served,
            Optional.of(parsed),
            Optional.empty(),
            "intact"),
        Arguments.of(
            "another body",
            Descriptor.of(MediaTypes.OCI_MANIFEST, OTHER, BODY.length),
            served,
            Optional.of(parsed),
            Optional.empty(),
            "digest-differs"),
        Arguments.of(
            "a header naming another digest",
            exact,
            Lookup.Found.withBody(
                "200", MediaTypes.OCI_MANIFEST, Optional.of(OTHER), BODY, List.of()),
            Optional.of(parsed),
            Optional.empty(),
            "digest-differs"),
        Arguments.of(
            "declared another size",
            Descriptor.of(MediaTypes.OCI_MANIFEST, DIGEST, 1),
            served,
            Optional.of(parsed),
            Optional.empty(),
            "size-differs"),
        Arguments.of(
            "does not parse",
            exact,
            served,
            Optional.empty(),
            Optional.of("not JSON"),
            "malformed"),
        Arguments.of(
            "schema1",
            exact,
            served,
            Optional.of(new Manifest.Schema1(MediaTypes.DOCKER_SCHEMA1)),
            Optional.empty(),
            "unsupported"),
        Arguments.of(
            "absent",
            exact,
            new Lookup.Absent("404", "MANIFEST_UNKNOWN", ""),
            Optional.empty(),
            Optional.empty(),
            "missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void manifest(
      String why,
      Descriptor descriptor,
      Lookup lookup,
      Optional<Manifest> parsed,
      Optional<String> parseError,
      String code) {
    assertEquals(
        code,
        new Judge(WalkLimits.defaults(), WalkPolicy.defaults())
            .manifest(descriptor, lookup, parsed, parseError)
            .code());
  }

  @Test
  void theChecksAndReportsPageListsEveryFindingCode() throws Exception {
    String page = Files.readString(Path.of("docs/checks-and-reports.md"));
    String table = page.substring(page.indexOf("\n## Finding codes\n"));
    List<Finding> one =
        List.of(
            new Finding.Intact(List.of(), Proof.SERVED),
            new Finding.External("", Optional.empty()),
            new Finding.OrphanedReferrer(DIGEST, false),
            new Finding.Missing("", ""),
            new Finding.DataMissing(""),
            new Finding.SizeDiffers(1, 2),
            new Finding.DigestDiffers(DIGEST, OTHER, ""),
            new Finding.TagMoved(DIGEST, OTHER),
            new Finding.PlatformMissing(dev.registryintegrity.model.Platform.parse("linux/amd64")),
            new Finding.ReferrerMissing("t"),
            new Finding.Malformed(""),
            new Finding.Unsupported(""),
            new Finding.LimitExceeded(""),
            new Finding.Unreachable(""));
    assertEquals(Finding.class.getPermittedSubclasses().length, one.size(), "one of each finding");
    for (Finding f : one) {
      String row = "| `" + f.code() + "` | `" + f.verdict().name().toLowerCase(Locale.ROOT) + "`";
      assertTrue(
          table.contains(row),
          "docs/checks-and-reports.md, \"Finding codes\", has no row " + row + " for " + f);
    }
  }
}
