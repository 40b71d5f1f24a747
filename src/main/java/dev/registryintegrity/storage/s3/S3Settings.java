package dev.registryintegrity.storage.s3;

import dev.registryintegrity.InputException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How the S3 client is made, from AWS's standard variables and the SDK's own sources, nothing of
 * ours:
 *
 * <ul>
 *   <li>the endpoint from {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}, then with
 *       path-style addressing as the s3 driver's {@code regionendpoint} uses (S3-compatible servers
 *       rarely serve bucket host names); none: AWS itself;
 *   <li>the region from {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}, else the profile's, else
 *       us-east-1, following a bucket to its own region (never the instance metadata service: off
 *       EC2 that costs a timeout on every run);
 *   <li>credentials from {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with {@code
 *       AWS_SESSION_TOKEN}), else the SDK's default chain: {@code AWS_PROFILE} and the shared
 *       files, web identity, container and instance roles;
 *   <li>an HTTPS endpoint's CA from {@code AWS_CA_BUNDLE} besides the JVM's ({@link S3Trust}).
 * </ul>
 *
 * @param endpoint the endpoint given, if any
 * @param region the region requests are signed for
 * @param credentials where the keys come from
 */
record S3Settings(
    Optional<URI> endpoint,
    Region region,
    AwsCredentialsProvider credentials,
    Optional<TrustManager[]> trust) {
  static final String ENDPOINT_S3 = "AWS_ENDPOINT_URL_S3";
  static final String ENDPOINT = "AWS_ENDPOINT_URL";

  static S3Settings from(Map<String, String> environment) {
    Optional<URI> endpoint = Optional.empty();
    for (String name : new String[] {ENDPOINT_S3, ENDPOINT}) {
      String value = value(environment, name);
      if (!value.isEmpty()) {
        endpoint = Optional.of(endpoint(name, value));
        break;
      }
    }
    String bundle = value(environment, S3Trust.CA_BUNDLE);
    return new S3Settings(
        endpoint,
        region(environment),
        credentials(environment),
        bundle.isEmpty() ? Optional.empty() : Optional.of(S3Trust.with(bundle)));
  }

  private static String value(Map<String, String> environment, String name) {
    return environment.getOrDefault(name, "").trim();
  }

  private static URI endpoint(String name, String value) {
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException bad) {
      // said below
    }
    throw new InputException(
        name
            + "='"
            + value
            + "' is not an endpoint URL: give http(s)://HOST[:PORT] of the S3 server");
  }

  private static Region region(Map<String, String> environment) {
    for (String name : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String value = value(environment, name);
      if (!value.isEmpty()) {
        return Region.of(value);
      }
    }
    try {
      String profile = value(environment, "AWS_PROFILE");
      return new AwsProfileRegionProvider(null, profile.isEmpty() ? null : profile).getRegion();
    } catch (SdkClientException | IllegalArgumentException none) {
      return Region.US_EAST_1;
    }
  }

  private static AwsCredentialsProvider credentials(Map<String, String> environment) {
    String id = value(environment, "AWS_ACCESS_KEY_ID");
    String secret = value(environment, "AWS_SECRET_ACCESS_KEY");
    if (!id.isEmpty() && !secret.isEmpty()) {
      String token = value(environment, "AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(
          token.isEmpty()
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, token));
    }
    String profile = value(environment, "AWS_PROFILE");
    return profile.isEmpty()
        ? DefaultCredentialsProvider.builder().build()
        : DefaultCredentialsProvider.builder().profileName(profile).build();
  }

  S3Client client() {
    UrlConnectionHttpClient.Builder http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60));
    trust.ifPresent(managers -> http.tlsTrustManagersProvider(() -> managers));
    var builder =
        S3Client.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(http)
            // Checksums only where S3 requires them (nothing we send): everything read is hashed
            // against its digest anyway, and S3-compatible servers differ in which of the SDK's
            // default checksum headers they take.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (endpoint.isPresent()) {
      builder.endpointOverride(endpoint.get()).forcePathStyle(true);
    } else {
      builder.crossRegionAccessEnabled(true);
    }
    return builder.build();
  }

  /** Where requests go, for messages. */
  String describe() {
    return endpoint.map(URI::toString).orElse("AWS S3 (" + region.id() + ")");
  }
}
