package dev.registryintegrity;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.plugin.SettingsReader;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.registry.credentials.DockerConfig;
import dev.registryintegrity.registry.transport.Challenge;
import dev.registryintegrity.report.Text;
import dev.registryintegrity.watch.Events;
import dev.registryintegrity.watch.Webhooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Fuzz targets for every parser that reads untrusted input. The contract each one checks: a value,
 * or the one exception that means "bad input" (turned into a one-line message and exit 2, or a
 * malformed-manifest finding) — never anything else, never a hang.
 *
 * <p>In the normal suite these run their committed inputs ({@code ParsersFuzzTestInputs/}) as
 * regression tests; {@code scripts/fuzz} runs each one under the fuzzer (JAZZER_FUZZ=1).
 */
class ParsersFuzzTest {
  private static final String[] SETTINGS = {
    "PLUGIN_REPO",
    "PLUGIN_TAGS",
    "PLUGIN_REGISTRY",
    "PLUGIN_IMAGES",
    "PLUGIN_USERNAME",
    "PLUGIN_PASSWORD",
    "PLUGIN_LOGINS",
    "PLUGIN_PLATFORMS",
    "PLUGIN_TIMEOUT",
    "PLUGIN_CONCURRENCY",
    "PLUGIN_EXPECTED_DIGEST",
    "PLUGIN_BLOB_CHECK",
    "PLUGIN_MAX_CONTENT_BYTES",
    "PLUGIN_LOG_LEVEL",
    "PLUGIN_INSECURE",
    "PLUGIN_RETRIES",
    "DOCKER_AUTH_CONFIG"
  };
  private static final Path WORKSPACE;

  static {
    try {
      WORKSPACE = Files.createTempDirectory("fuzz-workspace");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({
    "\"mediaType\":",
    "\"manifests\":",
    "\"digest\":",
    "\"size\":",
    "\"sha256:",
    "\"sha512:",
    "\"platform\":",
    "\"config\":",
    "\"layers\":",
    "\"subject\":",
    "\"annotations\":",
    "\"schemaVersion\":",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "\"blobs\":",
    "\"artifactType\":"
  })
  void manifestParser(byte[] body) {
    try {
      new ManifestParser().parse(body, "");
    } catch (MalformedManifestException expected) {
      // bad input, reported as a finding
    }
  }

  @FuzzTest(maxDuration = "10s")
  void imageReference(byte[] input) {
    String text = utf8(input);
    try {
      ImageReference.parse(text).toString();
    } catch (dev.registryintegrity.model.InvalidValueException expected) {
      // bad input, exit 2
    }
  }

  @FuzzTest(maxDuration = "10s")
  void authenticateChallenge(byte[] input) {
    String header = utf8(input);
    Challenge.parse(header);
  }

  @FuzzTest(maxDuration = "10s")
  void linkHeader(byte[] input) {
    String header = utf8(input);
    RegistryClient.nextLink(header);
  }

  @FuzzTest(maxDuration = "10s")
  void dockerConfig(byte[] input) {
    String json = utf8(input);
    try {
      DockerConfig.parse(json, "fuzz", Map.of()).find("registry.example.com");
    } catch (InputException expected) {
      // bad input, exit 2
    }
  }

  @FuzzTest(maxDuration = "10s")
  void pluginSettings(FuzzedDataProvider data) {
    Map<String, String> env = new HashMap<>();
    int count = data.consumeInt(1, 6);
    for (int i = 0; i < count; i++) {
      env.put(data.pickValue(SETTINGS), data.consumeString(200));
    }
    try {
      new SettingsReader(env, WORKSPACE).read();
    } catch (InputException expected) {
      // bad setting, exit 2
    }
  }

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({
    "\"events\":",
    "\"action\":",
    "\"target\":",
    "\"repository\":",
    "\"tag\":",
    "\"digest\":",
    "\"mediaType\":",
    "\"push\"",
    "\"delete\"",
    "\"sha256:"
  })
  void notificationEnvelope(byte[] body) {
    try {
      Events.parse(body);
    } catch (dev.registryintegrity.model.InvalidValueException expected) {
      // not an envelope: 400
    }
  }

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({
    "\"action\":\"created\"",
    "\"package\":",
    "\"owner\":{\"login\":",
    "\"type\":\"container\"",
    "\"name\":",
    "\"version\":",
    "\"sha256:"
  })
  void forgejoPackageEvent(byte[] body) {
    try {
      Webhooks.forgejo("package", body);
    } catch (dev.registryintegrity.model.InvalidValueException | Webhooks.UnknownEvent expected) {
      // 400
    }
    Webhooks.signed(body, "secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), utf8(body));
  }

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"payload=", "&payload=", "%7B%22action%22%3A", "%", "%zz", "+", "&"})
  void forgejoFormEncodedDelivery(byte[] body) {
    byte[] payload;
    try {
      payload = Webhooks.formPayload(body);
    } catch (dev.registryintegrity.model.InvalidValueException expected) {
      return; // 400
    }
    try {
      Webhooks.forgejo("package", payload);
    } catch (dev.registryintegrity.model.InvalidValueException | Webhooks.UnknownEvent expected) {
      // 400
    }
  }

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({
    "\"type\":\"PUSH_ARTIFACT\"",
    "\"type\":\"DELETE_ARTIFACT\"",
    "\"event_data\":",
    "\"resources\":",
    "\"repository\":",
    "\"repo_full_name\":",
    "\"digest\":",
    "\"tag\":",
    "\"sha256:"
  })
  void harborEvent(byte[] body) {
    try {
      Webhooks.harbor(body);
    } catch (dev.registryintegrity.model.InvalidValueException | Webhooks.UnknownEvent expected) {
      // 400
    }
  }

  private static String utf8(byte[] input) {
    return new String(input, java.nio.charset.StandardCharsets.UTF_8);
  }

  @FuzzTest(maxDuration = "10s")
  void textShownInALogHasNoControlCharacters(byte[] input) {
    String text = utf8(input);
    String shown = Text.safe(text);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      int type = Character.getType(c);
      if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE && !Character.isSurrogate(c)) {
        throw new AssertionError(String.format("U+%04X survived in %s", (int) c, shown));
      }
    }
  }
}
