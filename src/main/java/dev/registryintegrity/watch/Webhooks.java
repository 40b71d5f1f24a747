package dev.registryintegrity.watch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhooks of the registries Woodpecker users run, read into the same {@link Event}s as
 * distribution's envelope: Forgejo's and Gitea's {@code package} events and Harbor's artifact
 * events. Each body is untrusted and is one event (Forgejo) or one event with resources (Harbor);
 * what is not the documented shape is refused whole, never half-queued.
 */
public final class Webhooks {
  /** An event this receiver does not know: the sender is set up to send more than it should. */
  public static final class UnknownEvent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownEvent(String message) {
      super(message);
    }
  }

  /**
   * Harbor's other event types: a policy with every box ticked sends them; they say nothing about
   * whether a tag pulls, so they are answered and ignored.
   */
  private static final Set<String> HARBOR_OTHER_TYPES =
      Set.of(
          "PULL_ARTIFACT",
          "SCANNING_COMPLETED",
          "SCANNING_FAILED",
          "SCANNING_STOPPED",
          "QUOTA_EXCEED",
          "QUOTA_WARNING",
          "REPLICATION",
          "TAG_RETENTION",
          "UPLOAD_CHART",
          "DOWNLOAD_CHART",
          "DELETE_CHART",
          "PROJECT_QUOTA");

  /** Harbor lists each artifact of an event; a thousand is a flood, as in distribution's. */
  static final int MAX_RESOURCES = Events.MAX_EVENTS;

  private Webhooks() {}

  /**
   * Whether {@code signature} (hex, as Forgejo's and Gitea's {@code X-*-Signature} carries it) is
   * the HMAC-SHA256 of {@code body} under {@code secret}, compared in constant time.
   */
  public static boolean signed(byte[] body, byte[] secret, String signature) {
    if (signature == null) {
      return false;
    }
    byte[] expected;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
    byte[] given = signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }

  /**
   * The JSON a Forgejo or Gitea webhook set to {@code application/x-www-form-urlencoded} sends as
   * its one {@code payload} field. That JSON, not the form body, is what the sender signs, so the
   * signature is checked against what this returns.
   */
  public static byte[] formPayload(byte[] body) {
    String form = new String(body, StandardCharsets.UTF_8);
    String payload = null;
    for (String pair : form.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = decodeFormPart(eq < 0 ? pair : pair.substring(0, eq));
      if (!name.equals("payload")) {
        continue;
      }
      if (payload != null) {
        throw new InvalidValueException(
            "the form-encoded webhook has more than one 'payload' field: one delivery is one event");
      }
      payload = eq < 0 ? "" : decodeFormPart(pair.substring(eq + 1));
    }
    if (payload == null || payload.isBlank()) {
      throw new InvalidValueException(
          "the form-encoded webhook has no 'payload' field, or an empty one: Forgejo and Gitea send"
              + " the event's JSON there");
    }
    return payload.getBytes(StandardCharsets.UTF_8);
  }

  private static String decodeFormPart(String part) {
    try {
      return java.net.URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException bad) {
      throw new InvalidValueException(
          "the form-encoded webhook body has a broken %-escape: it is not what Forgejo or Gitea"
              + " sends");
    }
  }

  /**
   * A Forgejo or Gitea webhook delivery.
   *
   * @param event the {@code X-Forgejo-Event} or {@code X-Gitea-Event} header
   * @throws UnknownEvent for another event than {@code package}, or an action it does not document
   * @throws InvalidValueException when the body is not a package event
   */
  public static Events.Parsed forgejo(String event, byte[] body) {
    if (event == null || !event.trim().equals("package")) {
      throw new UnknownEvent(
          "X-Forgejo-Event/X-Gitea-Event '"
              + (event == null ? "" : event.trim())
              + "' is not a package event: tick only \"Package\" in the webhook's events");
    }
    JsonObject root = object(Events.json(body), "the body is not a package event object");
    String action =
        Events.string(root, "action")
            .orElseThrow(() -> new InvalidValueException("the package event has no action"));
    if (!action.equals("created") && !action.equals("deleted")) {
      throw new UnknownEvent("package action '" + action + "' is neither created nor deleted");
    }
    JsonObject pkg = object(root.get("package"), "the package event has no package object");
    String type = Events.string(pkg, "type").orElse("");
    if (!type.equals("container")) {
      return new Events.Parsed(List.of(), 0, 1);
    }
    String owner =
        Optional.ofNullable(pkg.get("owner"))
            .filter(JsonElement::isJsonObject)
            .flatMap(o -> Events.string(o.getAsJsonObject(), "login"))
            .orElseThrow(() -> new InvalidValueException("the package has no owner login"));
    String name =
        Events.string(pkg, "name")
            .orElseThrow(() -> new InvalidValueException("the package has no name"));
    String version =
        Events.string(pkg, "version")
            .orElseThrow(() -> new InvalidValueException("the package has no version"));
    // Forgejo serves a container package as OWNER/NAME, lower-cased, as docker pull names it.
    String repository = (owner + "/" + name).toLowerCase(Locale.ROOT);
    if (!Events.validRepository(repository)) {
      throw new InvalidValueException("the package is no valid image name");
    }
    Optional<String> tag = Optional.empty();
    Optional<Digest> digest = Optional.empty();
    if (version.startsWith("sha256:") || version.startsWith("sha512:")) {
      // An untagged manifest (an index's child) is a version named by its digest.
      digest = Optional.of(Digest.parse(version));
    } else if (Events.validTag(repository, version)) {
      tag = Optional.of(version);
    } else {
      throw new InvalidValueException("the package version is no valid tag or digest");
    }
    return new Events.Parsed(
        List.of(
            new Event(action.equals("created") ? "push" : "delete", repository, tag, digest, true)),
        0,
        0);
  }

  /**
   * A Harbor webhook delivery: {@code PUSH_ARTIFACT} and {@code DELETE_ARTIFACT} become one event
   * per resource; Harbor's other event types are ignored.
   *
   * @throws UnknownEvent for a type Harbor does not send
   * @throws InvalidValueException when the body is not a Harbor event
   */
  public static Events.Parsed harbor(byte[] body) {
    JsonObject root = object(Events.json(body), "the body is not a Harbor event object");
    if (root.has("specversion")) {
      throw new InvalidValueException(
          "a CloudEvents payload: set the Harbor webhook's Payload Format to Default");
    }
    String type =
        Events.string(root, "type")
            .orElseThrow(() -> new InvalidValueException("the Harbor event has no type"));
    boolean push = type.equals("PUSH_ARTIFACT");
    if (!push && !type.equals("DELETE_ARTIFACT")) {
      if (HARBOR_OTHER_TYPES.contains(type)) {
        return new Events.Parsed(List.of(), 0, 1);
      }
      throw new UnknownEvent("Harbor event type '" + type + "' is not one Harbor sends");
    }
    JsonObject data = object(root.get("event_data"), "the Harbor event has no event_data");
    JsonObject repo = object(data.get("repository"), "the Harbor event has no repository");
    String repository =
        Events.string(repo, "repo_full_name")
            .or(
                () ->
                    Events.string(repo, "namespace")
                        .flatMap(n -> Events.string(repo, "name").map(r -> n + "/" + r)))
            .orElseThrow(() -> new InvalidValueException("the Harbor repository has no name"));
    if (!Events.validRepository(repository)) {
      throw new InvalidValueException("the Harbor repository is no valid image name");
    }
    JsonElement list = data.get("resources");
    if (list == null || !list.isJsonArray()) {
      throw new InvalidValueException("the Harbor event has no resources list");
    }
    JsonArray resources = list.getAsJsonArray();
    List<Event> events = new ArrayList<>();
    int skipped = 0;
    for (int i = 0; i < resources.size(); i++) {
      Optional<Event> event =
          i < MAX_RESOURCES
              ? resource(resources.get(i), push ? "push" : "delete", repository)
              : Optional.empty();
      if (event.isPresent()) {
        events.add(event.get());
      } else {
        skipped++;
      }
    }
    return new Events.Parsed(events, skipped, 0);
  }

  /** One artifact: its digest, and its tag when it was pushed or deleted under one. */
  private static Optional<Event> resource(JsonElement element, String action, String repository) {
    if (!element.isJsonObject()) {
      return Optional.empty();
    }
    JsonObject o = element.getAsJsonObject();
    Optional<Digest> digest;
    try {
      digest = Events.string(o, "digest").filter(d -> !d.isEmpty()).map(Digest::parse);
    } catch (InvalidValueException e) {
      return Optional.empty();
    }
    Optional<String> tag = Events.string(o, "tag").filter(t -> !t.isEmpty());
    if (tag.isPresent() && !Events.validTag(repository, tag.get())) {
      return Optional.empty();
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Event(action, repository, tag, digest, true));
  }

  private static JsonObject object(JsonElement element, String otherwise) {
    if (element == null || !element.isJsonObject()) {
      throw new InvalidValueException(otherwise);
    }
    return element.getAsJsonObject();
  }
}
