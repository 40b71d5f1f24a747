package dev.registryintegrity.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.WalkPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsReaderTest {
  @TempDir Path workspace;

  private PluginSettings read(String... keysAndValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      env.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new SettingsReader(env, workspace).read();
  }

  private static List<String> names(PluginSettings s) {
    return s.images().stream().map(ImageReference::toString).toList();
  }

  @Test
  void strictAndCheckExternalReachTheWalkAndAreOffByDefault() {
    PluginSettings defaults = read("PLUGIN_REPO", "org/app");
    assertEquals(false, defaults.check().policy().strict());
    assertEquals(false, defaults.check().policy().has(WalkPolicy.Option.CHECK_EXTERNAL));
    PluginSettings set =
        read("PLUGIN_REPO", "org/app", "PLUGIN_STRICT", "true", "PLUGIN_CHECK_EXTERNAL", "true");
    assertEquals(true, set.check().policy().strict());
    assertEquals(true, set.check().policy().has(WalkPolicy.Option.CHECK_EXTERNAL));
  }

  @Test
  void repoAndCommaJoinedTagsListBecomeOneImagePerTag() {
    PluginSettings s =
        read("PLUGIN_REPO", "registry.example.com:5050/infra-ci", "PLUGIN_TAGS", "latest,5319f03e");
    assertEquals(
        List.of(
            "registry.example.com:5050/infra-ci:latest",
            "registry.example.com:5050/infra-ci:5319f03e"),
        names(s));
  }

  @Test
  void tagsDefaultToTheDotTagsFileThenToLatest() throws Exception {
    assertEquals(List.of("docker.io/org/app:latest"), names(read("PLUGIN_REPO", "org/app")));
    Files.writeString(workspace.resolve(".tags"), "1.2.3,1.2\nlatest\n");
    assertEquals(
        List.of("docker.io/org/app:1.2.3", "docker.io/org/app:1.2", "docker.io/org/app:latest"),
        names(read("PLUGIN_REPO", "org/app")));
  }

  @Test
  void explicitTagsFileMustExist() {
    InputException e =
        assertThrows(
            InputException.class,
            () -> read("PLUGIN_REPO", "org/app", "PLUGIN_TAGS_FILE", "missing.txt"));
    assertTrue(
        e.getMessage().startsWith("setting tags_file (PLUGIN_TAGS_FILE): ")
            && e.getMessage().endsWith("missing.txt does not exist: check the path"),
        e.getMessage());
  }

  @Test
  void registrySettingPrefixesRepositoriesWithoutAHost() {
    PluginSettings s =
        read(
            "PLUGIN_REPO",
            "team/app,other.example/x",
            "PLUGIN_REGISTRY",
            "https://reg.example.com");
    assertEquals(List.of("reg.example.com/team/app:latest", "other.example/x:latest"), names(s));
  }

  @Test
  void imagesAreAnAlternativeToRepoAndTags() {
    assertEquals(
        List.of("ghcr.io/o/a:1", "docker.io/library/alpine:3"),
        names(read("PLUGIN_IMAGES", "ghcr.io/o/a:1,alpine:3")));
  }

  @Test
  void noImageAtAllIsAUsageErrorThatSaysWhatToSet() {
    InputException e = assertThrows(InputException.class, () -> read("PLUGIN_DEBUG", "true"));
    assertTrue(e.getMessage().contains("set the repo setting"), e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PLUGIN_CONCURRENCY     | lots        | setting concurrency (PLUGIN_CONCURRENCY) is 'lots'",
        "PLUGIN_CONCURRENCY     | 0           | setting concurrency (PLUGIN_CONCURRENCY) is 0: use a number from 1 to 256",
        "PLUGIN_INSECURE        | maybe       | setting plain_http (PLUGIN_INSECURE) is 'maybe': use true or false",
        "PLUGIN_PLAIN_HTTP      | maybe       | setting plain_http (PLUGIN_PLAIN_HTTP) is 'maybe': use true or false",
        "PLUGIN_SKIP_VERIFY     | perhaps     | setting skip_tls_verify (PLUGIN_SKIP_VERIFY) is 'perhaps'",
        "PLUGIN_TIMEOUT         | forever     | setting timeout (PLUGIN_TIMEOUT)",
        "PLUGIN_PLATFORMS       | linux       | setting platforms (PLUGIN_PLATFORMS): platform 'linux' is malformed",
        "PLUGIN_EXPECTED_DIGEST | sha256:abc  | setting expected_digest (PLUGIN_EXPECTED_DIGEST): digest 'sha256:abc'",
        "PLUGIN_LOGINS          | [{         | setting logins (PLUGIN_LOGINS) is not JSON",
        "PLUGIN_LOGINS          | 42          | setting logins (PLUGIN_LOGINS) is not a list",
        "PLUGIN_PASSWORD        | hunter22    | setting password is set but username is not",
        "PLUGIN_LOG_LEVEL       | loud        | setting log_level (PLUGIN_LOG_LEVEL) is 'loud'",
        "PLUGIN_METADATA_FILE   | nope.json   | nope.json does not exist: write it with buildx --metadata-file",
        "PLUGIN_CA_CERT         | nope.pem    | nope.pem does not exist: check the path",
      })
  void malformedSettingsNameTheSettingAndItsVariable(
      String variable, String value, String message) {
    InputException e =
        assertThrows(InputException.class, () -> read("PLUGIN_REPO", "org/app", variable, value));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
  }

  @Test
  void badTagNamesTheTagsSetting() {
    InputException e =
        assertThrows(
            InputException.class, () -> read("PLUGIN_REPO", "org/app", "PLUGIN_TAGS", "ok,-bad"));
    assertTrue(e.getMessage().startsWith("setting tags (PLUGIN_TAGS):"), e.getMessage());
  }

  @Test
  void aMistypedSettingIsAUsageErrorNamingTheClosestOneNotTheWholeList() {
    InputException typo =
        assertThrows(
            InputException.class,
            () -> read("PLUGIN_REPO", "org/app", "PLUGIN_PLATFROMS", "linux/amd64"));
    assertEquals(
        "unknown setting 'platfroms' (PLUGIN_PLATFROMS): did you mean 'platforms'?",
        typo.getMessage());
    InputException unknown =
        assertThrows(
            InputException.class, () -> read("PLUGIN_REPO", "org/app", "PLUGIN_COLOUR", "x"));
    assertEquals(
        "unknown setting 'colour' (PLUGIN_COLOUR): not a setting of this plugin (its docs list them)",
        unknown.getMessage());
  }

  @Test
  void tagIsTheDockerPluginsAliasOfTags() {
    assertEquals(
        List.of("docker.io/org/app:v2"), names(read("PLUGIN_REPO", "org/app", "PLUGIN_TAG", "v2")));
  }

  @Test
  void tlsSkipAliasesAllWork() {
    for (String alias :
        List.of(
            "PLUGIN_SKIP_TLS_VERIFY",
            "PLUGIN_SKIP_VERIFY",
            "PLUGIN_INSECURE_SKIP_VERIFY",
            "PLUGIN_TLS_SKIP_VERIFY")) {
      PluginSettings s = read("PLUGIN_REPO", "org/app", alias, "true");
      assertTrue(s.check().tls().insecure(), alias);
      assertTrue(s.warnings().isEmpty(), alias);
    }
  }

  @Test
  void credentialsComeFromUsernamePasswordThenLoginsThenDockerAuthConfig() {
    String dockerAuth =
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1YnBhc3M=\"},"
            + "\"reg.example.com\":{\"username\":\"cfg\",\"password\":\"cfgpass\"}}}";
    PluginSettings s =
        read(
            "PLUGIN_REPO",
            "reg.example.com/team/app",
            "PLUGIN_USERNAME",
            "ci",
            "PLUGIN_PASSWORD",
            "cipass",
            "PLUGIN_LOGINS",
            "[{\"registry\":\"ghcr.io\",\"username\":\"gh\",\"password\":\"ghpass\"},"
                + "{\"registry\":\"reg.example.com\",\"username\":\"other\",\"password\":\"x\"}]",
            "DOCKER_AUTH_CONFIG",
            dockerAuth);
    assertEquals("ci", s.check().credentials().find("reg.example.com").orElseThrow().username());
    assertEquals("gh", s.check().credentials().find("ghcr.io").orElseThrow().username());
    assertEquals("hub", s.check().credentials().find("docker.io").orElseThrow().username());
    assertEquals(
        "hubpass", s.check().credentials().find("registry-1.docker.io").orElseThrow().password());
    assertTrue(s.check().credentials().find("quay.io").isEmpty());
    assertFalse(String.join(" ", s.credentialSources()).contains("cipass"));
  }

  @Test
  void metadataFileGivesTheExpectedDigest() throws Exception {
    String digest = "sha256:" + "ab".repeat(32);
    Files.writeString(
        workspace.resolve("meta.json"),
        "{\"containerimage.digest\":\"" + digest + "\",\"image.name\":\"x\"}");
    PluginSettings s = read("PLUGIN_REPO", "org/app", "PLUGIN_METADATA_FILE", "meta.json");
    assertEquals(digest, s.expectations().digest().orElseThrow().toString());
    Files.writeString(
        workspace.resolve("bake.json"), "{\"app\":{\"containerimage.digest\":\"" + digest + "\"}}");
    assertEquals(
        digest,
        read("PLUGIN_REPO", "org/app", "PLUGIN_METADATA_FILE", "bake.json")
            .expectations()
            .digest()
            .orElseThrow()
            .toString());
  }

  @Test
  void emptyValuesCountAsUnset() {
    PluginSettings s =
        read(
            "PLUGIN_REPO",
            "org/app",
            "PLUGIN_TAGS",
            "",
            "PLUGIN_INSECURE",
            "",
            "PLUGIN_REPORT",
            "");
    assertEquals(List.of("docker.io/org/app:latest"), names(s));
    assertFalse(s.check().plainHttp());
    assertTrue(s.report().isEmpty());
  }

  @Test
  void blobsAreReadCheckedUnlessContentOrHeadIsAsked() {
    assertEquals(BlobCheck.READ, read("PLUGIN_REPO", "org/app").check().policy().blobCheck());
    assertEquals(
        BlobCheck.CONTENT,
        read("PLUGIN_REPO", "org/app", "PLUGIN_VERIFY_CONTENT", "true")
            .check()
            .policy()
            .blobCheck());
    PluginSettings head = read("PLUGIN_REPO", "org/app", "PLUGIN_BLOB_CHECK", "head");
    assertEquals(BlobCheck.HEAD, head.check().policy().blobCheck());
    assertEquals(
        10L << 30,
        read("PLUGIN_REPO", "org/app", "PLUGIN_MAX_CONTENT_BYTES", "10GiB")
            .check()
            .limits()
            .maxContentBytes());
  }

  @Test
  void contradictoryOrUnknownBlobChecksAreUsageErrorsNamingTheSetting() {
    InputException both =
        assertThrows(
            InputException.class,
            () ->
                read(
                    "PLUGIN_REPO",
                    "org/app",
                    "PLUGIN_VERIFY_CONTENT",
                    "true",
                    "PLUGIN_BLOB_CHECK",
                    "head"));
    assertTrue(
        both.getMessage().contains("verify_content and blob_check: head contradict"),
        both.getMessage());
    InputException unknown =
        assertThrows(
            InputException.class, () -> read("PLUGIN_REPO", "org/app", "PLUGIN_BLOB_CHECK", "sha"));
    assertTrue(
        unknown
            .getMessage()
            .startsWith("setting blob_check (PLUGIN_BLOB_CHECK): value 'sha' is not known"),
        unknown.getMessage());
    InputException size =
        assertThrows(
            InputException.class,
            () -> read("PLUGIN_REPO", "org/app", "PLUGIN_MAX_CONTENT_BYTES", "lots"));
    assertTrue(
        size.getMessage()
            .startsWith("setting max_content_bytes (PLUGIN_MAX_CONTENT_BYTES): value 'lots'"),
        size.getMessage());
  }

  @Test
  void requiredArtifactTypesArriveAsAListAndTurnReferrersOn() {
    PluginSettings s =
        read(
            "PLUGIN_REPO",
            "org/app",
            "PLUGIN_REQUIRE_ARTIFACT_TYPES",
            "application/vnd.dev.cosign.artifact.sig.v1+json,application/spdx+json");
    assertEquals(
        List.of("application/vnd.dev.cosign.artifact.sig.v1+json", "application/spdx+json"),
        s.check().requiredArtifactTypes());
    assertTrue(s.check().policy().referrers());
    assertFalse(read("PLUGIN_REPO", "org/app").check().policy().referrers());
    assertTrue(
        read("PLUGIN_REPO", "org/app", "PLUGIN_REFERRERS", "true").check().policy().referrers());
    InputException bad =
        assertThrows(
            InputException.class,
            () -> read("PLUGIN_REPO", "org/app", "PLUGIN_REQUIRE_ARTIFACT_TYPES", "signed please"));
    assertTrue(
        bad.getMessage()
            .startsWith(
                "setting require_artifact_types (PLUGIN_REQUIRE_ARTIFACT_TYPES): 'signed please'"
                    + " is not a media type"),
        bad.getMessage());
  }
}
