package dev.registryintegrity.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;

class S3SettingsTest {
  private static final Map<String, String> KEYS =
      Map.of("AWS_ACCESS_KEY_ID", "id", "AWS_SECRET_ACCESS_KEY", "secret");

  @Test
  void theS3EndpointVariableWinsOverTheGeneralOneAndTheRegionIsTheEnvironments() {
    S3Settings settings =
        S3Settings.from(
            Map.of(
                "AWS_ENDPOINT_URL", "http://general:9000",
                "AWS_ENDPOINT_URL_S3", "https://minio.example.net:9000",
                "AWS_REGION", "eu-west-3"));
    assertEquals(Optional.of(URI.create("https://minio.example.net:9000")), settings.endpoint());
    assertEquals(Region.EU_WEST_3, settings.region());
    assertEquals("https://minio.example.net:9000", settings.describe());
  }

  @Test
  void anEndpointThatIsNoUrlIsAUsageErrorNamingTheVariable() {
    InputException e =
        assertThrows(
            InputException.class, () -> S3Settings.from(Map.of("AWS_ENDPOINT_URL", "minio:9000")));
    assertTrue(e.getMessage().startsWith("AWS_ENDPOINT_URL='minio:9000'"), e.getMessage());
  }

  @Test
  void aCaBundleWithoutCertificatesIsAUsageErrorNamingTheFile(@TempDir Path dir) throws Exception {
    Path bundle = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                S3Settings.from(
                    Map.of("AWS_CA_BUNDLE", bundle.toString(), "AWS_REGION", "us-east-1")));
    assertTrue(e.getMessage().startsWith("AWS_CA_BUNDLE=" + bundle), e.getMessage());
  }

  @Test
  void withoutAnEndpointItIsAwsAndNoTrustIsAdded() {
    S3Settings settings = S3Settings.from(KEYS);
    assertEquals(Optional.empty(), settings.endpoint());
    assertTrue(settings.trust().isEmpty());
  }
}
