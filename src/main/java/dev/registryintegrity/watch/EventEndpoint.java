package dev.registryintegrity.watch;

import com.sun.net.httpserver.Headers;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One sender's door into the receiver: its path, the media types it posts (each with how its
 * payload is taken out of the body), its gate and its format. {@link Intake} takes every endpoint
 * the same way into the same queue, journal and metrics: a new sender is one more definition here.
 */
record EventEndpoint(String path, Accepts accepts, Gate gate, Format format) {
  /**
   * What a sender's body carries, taken out of its wrapping before the gate and the format see it:
   * the body itself, or the JSON in a form field.
   */
  @FunctionalInterface
  interface Unwrap {
    /**
     * @throws dev.registryintegrity.model.InvalidValueException when the wrapping is broken
     */
    byte[] payload(byte[] body);
  }

  /** One sender's format, read at the edge into the receiver's one model of events. */
  @FunctionalInterface
  interface Format {
    /**
     * @throws Webhooks.UnknownEvent for an event the sender should not have been set up to send
     * @throws dev.registryintegrity.model.InvalidValueException when the payload is not the format
     */
    Events.Parsed parse(Headers headers, byte[] payload);
  }

  static final Unwrap AS_SENT = body -> body;

  /**
   * The media types an endpoint takes (lower case, without parameters), each with how its payload
   * is unwrapped; {@code described} is what a 415 says to send instead.
   */
  record Accepts(Map<String, Unwrap> byMediaType, String described) {
    Accepts {
      byMediaType = Map.copyOf(byMediaType);
    }

    Optional<Unwrap> unwrapFor(String contentType) {
      String mediaType =
          contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      return Optional.ofNullable(byMediaType.get(mediaType));
    }
  }

  /** The registry's media type (2.x's or v3's), or JSON (its older releases). */
  static final Accepts DISTRIBUTION_TYPES =
      new Accepts(
          Map.of(
              Events.MEDIA_TYPE,
              AS_SENT,
              Events.MEDIA_TYPE_V3,
              AS_SENT,
              "application/json",
              AS_SENT),
          Events.MEDIA_TYPE + " or " + Events.MEDIA_TYPE_V3);

  /**
   * The receiver's endpoints, each on whether it was given its secret or not (an endpoint without
   * one refuses everything, naming the option).
   *
   * @param token distribution's shared secret
   * @param webhookSecret Forgejo's and Gitea's HMAC key, and the header Harbor sends
   */
  static List<EventEndpoint> all(Optional<String> token, Optional<String> webhookSecret) {
    return List.of(distribution(token), forgejo(webhookSecret), harbor(webhookSecret));
  }

  /** Distribution's envelope, with the token its notification config sends as a bearer. */
  static EventEndpoint distribution(Optional<String> token) {
    return new EventEndpoint(
        "/events",
        DISTRIBUTION_TYPES,
        Gate.requiring(
            token, "--token-file", t -> Gate.header("Authorization", List.of("Bearer " + t))),
        (headers, payload) -> Events.parse(payload));
  }

  /** Forgejo's and Gitea's package webhooks: JSON or the JSON in a form, HMAC-signed. */
  static EventEndpoint forgejo(Optional<String> secret) {
    return new EventEndpoint(
        "/events/forgejo",
        new Accepts(
            Map.of(
                "application/json",
                AS_SENT,
                "application/x-www-form-urlencoded",
                Webhooks::formPayload),
            "application/json or application/x-www-form-urlencoded (the webhook's POST content"
                + " type)"),
        Gate.requiring(
            secret,
            "--webhook-secret-file",
            s ->
                Gate.hmac(
                    s,
                    EventEndpoint::forgejoSignature,
                    "the X-Forgejo-Signature/X-Gitea-Signature is not the HMAC-SHA256 of the"
                        + " delivered JSON under the webhook's secret")),
        (headers, payload) ->
            Webhooks.forgejo(
                Optional.ofNullable(headers.getFirst("X-Forgejo-Event"))
                    .orElse(headers.getFirst("X-Gitea-Event")),
                payload));
  }

  /** Harbor's artifact webhooks, JSON, with the policy's auth header. */
  static EventEndpoint harbor(Optional<String> secret) {
    return new EventEndpoint(
        "/events/harbor",
        new Accepts(Map.of("application/json", AS_SENT), "application/json"),
        // Harbor sends the policy's auth header as it was typed: the secret alone or
        // "Bearer <secret>"; both are compared, each in constant time.
        Gate.requiring(
            secret,
            "--webhook-secret-file",
            s -> Gate.header("Authorization", List.of(s, "Bearer " + s))),
        (headers, payload) -> Webhooks.harbor(payload));
  }

  /**
   * Forgejo sends its own header and Gitea's with the same value, Gitea only its own; both also
   * send GitHub's {@code X-Hub-Signature-256: sha256=HEX}, which is all that is left when a proxy
   * in between passes only the headers it knows.
   */
  private static String forgejoSignature(Headers headers) {
    String own =
        Optional.ofNullable(headers.getFirst("X-Forgejo-Signature"))
            .orElse(headers.getFirst("X-Gitea-Signature"));
    if (own != null) {
      return own;
    }
    String hub = headers.getFirst("X-Hub-Signature-256");
    return hub != null && hub.startsWith("sha256=") ? hub.substring("sha256=".length()) : null;
  }
}
