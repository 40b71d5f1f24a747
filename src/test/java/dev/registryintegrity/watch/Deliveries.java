package dev.registryintegrity.watch;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What each sender posts about the push of {@code team/app:v1}, trimmed to the fields the receiver
 * reads: the tests of the receiver's doors send these.
 */
final class Deliveries {
  static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private Deliveries() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Distribution's envelope: one entry, a manifest pushed under {@code tag} or by digest. */
  static String envelope(String action, String repository, String target) {
    String field = target.contains(":") ? "digest" : "tag";
    return "{\"events\":[{\"action\":\"%s\",\"target\":{\"mediaType\":\"%s\",\"repository\":\"%s\",\"%s\":\"%s\"}}]}"
        .formatted(action, MANIFEST, repository, field, target);
  }

  /** Forgejo's package event for {@code team/app} version {@code v1}. */
  static String forgejo(String type) {
    return "{\"action\":\"created\",\"package\":{\"type\":\"%s\",\"owner\":{\"login\":\"team\"},\"name\":\"app\",\"version\":\"v1\"}}"
        .formatted(type);
  }

  /** Harbor's artifact event with one resource, {@code team/app:v1}. */
  static String harbor(String type) {
    return "{\"type\":\"%s\",\"event_data\":{\"repository\":{\"repo_full_name\":\"team/app\"},\"resources\":[{\"tag\":\"v1\"}]}}"
        .formatted(type);
  }

  /** The hex HMAC-SHA256 Forgejo and Gitea sign a delivery with. */
  static String hmac(byte[] payload, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(bytes(secret), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Request headers from name, value pairs. */
  static Headers headers(String... nameValues) {
    Headers headers = new Headers();
    for (int i = 0; i < nameValues.length; i += 2) {
      headers.add(nameValues[i], nameValues[i + 1]);
    }
    return headers;
  }
}
