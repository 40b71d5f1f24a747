package dev.registryintegrity.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.model.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  private static final String HEX =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "alpine                                  | docker.io          | library/alpine | latest   | -",
        "alpine:3.20                             | docker.io          | library/alpine | 3.20     | -",
        "library/alpine                          | docker.io          | library/alpine | latest   | -",
        "docker.io/alpine                        | docker.io          | library/alpine | latest   | -",
        "index.docker.io/library/alpine          | docker.io          | library/alpine | latest   | -",
        "ghcr.io/org/app:v1                      | ghcr.io            | org/app        | v1       | -",
        "localhost/app                           | localhost          | app            | latest   | -",
        "localhost:5000/app                      | localhost:5000     | app            | latest   | -",
        "127.0.0.1:5000/infra-ci:5319f03e        | 127.0.0.1:5000     | infra-ci       | 5319f03e | -",
        "[::1]:5000/x:y                          | [::1]:5000         | x              | y        | -",
        "user/app                                | docker.io          | user/app       | latest   | -",
        "registry.example.com:5050/a/b/c:tag@sha256:"
            + HEX
            + " | registry.example.com:5050 | a/b/c | tag | sha256:"
            + HEX,
        "app@sha256:"
            + HEX
            + "                  | docker.io          | library/app    | -        | sha256:"
            + HEX,
        "my_app/sub__dir/x-y.z:1.0-rc_1          | docker.io          | my_app/sub__dir/x-y.z | 1.0-rc_1 | -",
      })
  void validReferencesNormaliseLikeDocker(
      String text, String registry, String repository, String tag, String digest) {
    ImageReference ref = ImageReference.parse(text);
    assertEquals(registry, ref.registry());
    assertEquals(repository, ref.repository());
    assertEquals(Optional.ofNullable(tag), ref.tag());
    assertEquals(Optional.ofNullable(digest), ref.digest().map(Object::toString));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                       | empty",
        "UPPER/case               | must be lowercase (try 'upper/case')",
        "repo:                    | tag after ':' is empty",
        "'repo:bad tag'           | is not valid",
        ":tag                     | repository name is missing",
        "repo@sha256:short        | takes 64",
        "a//b                     | a '/' too many",
        "a/b/                     | a '/' too many",
        "http://host/repo         | drop the scheme",
        "host:5000/               | missing after the registry",
        "-leading                 | not a valid repository name component",
      })
  void invalidReferencesAreOneLineUsageErrorsThatNameTheInput(String text, String fragment) {
    InvalidValueException e =
        assertThrows(InvalidValueException.class, () -> ImageReference.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void tagLongerThan128CharactersIsRefused() {
    assertThrows(
        InvalidValueException.class, () -> ImageReference.parse("repo:" + "a".repeat(129)));
    assertEquals(
        "a".repeat(128), ImageReference.parse("repo:" + "a".repeat(128)).tag().orElseThrow());
  }

  @Test
  void dockerHubIsAskedAtItsApiHostAndLoopbackIsRecognised() {
    assertEquals("registry-1.docker.io", ImageReference.parse("alpine").registryName().apiHost());
    assertTrue(ImageReference.parse("127.0.0.1:5000/x").registryName().isLoopback());
    assertTrue(ImageReference.parse("localhost:5000/x").registryName().isLoopback());
    assertTrue(ImageReference.parse("[::1]:5000/x").registryName().isLoopback());
    assertFalse(ImageReference.parse("registry.example.com/x").registryName().isLoopback());
  }

  @Test
  void digestIsWhatIsAskedForWhenTagAndDigestAreBothGiven() {
    ImageReference ref = ImageReference.parse("repo:tag@sha256:" + HEX);
    assertEquals(
        dev.registryintegrity.model.ManifestRef.of(
            dev.registryintegrity.model.Digest.parse("sha256:" + HEX)),
        ref.identifier());
    assertEquals("docker.io/library/repo:tag@sha256:" + HEX, ref.toString());
  }

  @Test
  void repositorySettingTakesTagsSeparately() {
    ImageReference repo = ImageReference.parseRepository("registry.example.com:5050/infra-ci");
    assertEquals(
        "registry.example.com:5050/infra-ci:5319f03e", repo.withTag("5319f03e").toString());
    assertThrows(
        InvalidValueException.class,
        () -> ImageReference.parseRepository("registry.example.com:5050/infra-ci:v1"));
    assertThrows(InvalidValueException.class, () -> repo.withTag("bad tag"));
  }

  @Test
  void ociLayoutArgumentsSplitDirectoryAndTag(@TempDir Path dir) throws Exception {
    LayoutReference tagged =
        assertInstanceOf(LayoutReference.class, TargetReference.parse("oci:" + dir + ":v1"));
    assertEquals(dir, tagged.directory());
    assertEquals(Optional.of("v1"), tagged.tag());
    LayoutReference untagged =
        assertInstanceOf(LayoutReference.class, TargetReference.parse("oci:" + dir));
    assertEquals(Optional.empty(), untagged.tag());
    Path colonDir = Files.createDirectory(dir.resolve("a:b"));
    LayoutReference whole =
        assertInstanceOf(LayoutReference.class, TargetReference.parse("oci:" + colonDir));
    assertEquals(colonDir, whole.directory());
    assertInstanceOf(ImageReference.class, TargetReference.parse("alpine"));
  }
}
