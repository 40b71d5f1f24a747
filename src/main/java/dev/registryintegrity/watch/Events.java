package dev.registryintegrity.watch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.reference.ImageReference;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads distribution's event envelope ({@code {"events":[{"action":"push","target":{...}}]}}, media
 * type {@code application/vnd.docker.distribution.events.v1+json} from 2.x, {@code
 * ...events.v2+json} from v3, the same fields either way). The body is untrusted: an entry with a
 * wrong shape, an invalid repository, tag or digest is skipped and counted, never allowed to stop
 * the entries after it.
 */
public final class Events {
  public static final String MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";

  /** What distribution v3 sends: the version was raised, the envelope and event fields were not. */
  public static final String MEDIA_TYPE_V3 = "application/vnd.docker.distribution.events.v2+json";

  /** The registry sends at most a few dozen events per envelope; a thousand is a flood. */
  static final int MAX_EVENTS = 1000;

  private Events() {}

  /**
   * What one request said, whichever registry sent it: the usable events, the entries skipped as
   * malformed, and the events understood but not about a container image (a Forgejo npm package).
   */
  public record Parsed(List<Event> events, int skipped, int ignored) {
    public Parsed {
      events = List.copyOf(events);
    }

    Parsed(List<Event> events, int skipped) {
      this(events, skipped, 0);
    }
  }

  /**
   * @throws InvalidValueException when the body is not an envelope at all
   */
  public static Parsed parse(byte[] body) {
    JsonElement root = json(body);
    if (!root.isJsonObject()
        || !root.getAsJsonObject().has("events")
        || !root.getAsJsonObject().get("events").isJsonArray()) {
      throw new InvalidValueException("the body is not an event envelope ({\"events\": [...]})");
    }
    JsonArray entries = root.getAsJsonObject().getAsJsonArray("events");
    List<Event> events = new ArrayList<>();
    int skipped = 0;
    for (int i = 0; i < entries.size(); i++) {
      Optional<Event> event = i < MAX_EVENTS ? event(entries.get(i)) : Optional.empty();
      if (event.isPresent()) {
        events.add(event.get());
      } else {
        skipped++;
      }
    }
    return new Parsed(events, skipped);
  }

  /**
   * One JSON document, strictly: an untrusted body is not JSON when anything follows it or it nests
   * deeper than any webhook does.
   *
   * @throws InvalidValueException when it is not
   */
  static JsonElement json(byte[] body) {
    try {
      JsonReader reader =
          new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)));
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(16);
      JsonElement root = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new InvalidValueException("the body has more after the JSON document");
      }
      return root;
    } catch (JsonParseException | IllegalStateException | java.io.IOException e) {
      throw new InvalidValueException("the body is not JSON");
    }
  }

  private static Optional<Event> event(JsonElement element) {
    if (!element.isJsonObject()) {
      return Optional.empty();
    }
    JsonObject o = element.getAsJsonObject();
    Optional<String> action = string(o, "action");
    Optional<JsonObject> target =
        Optional.ofNullable(o.get("target"))
            .filter(JsonElement::isJsonObject)
            .map(JsonElement::getAsJsonObject);
    if (action.isEmpty() || target.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> repository =
        string(target.get(), "repository").filter(Events::validRepository);
    if (repository.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> tag = string(target.get(), "tag").filter(t -> validTag(repository.get(), t));
    if (string(target.get(), "tag").isPresent() && tag.isEmpty()) {
      return Optional.empty();
    }
    Optional<Digest> digest;
    try {
      digest = string(target.get(), "digest").map(Digest::parse);
    } catch (InvalidValueException e) {
      return Optional.empty();
    }
    String mediaType = string(target.get(), "mediaType").orElse("");
    boolean manifest =
        MediaTypes.isIndex(mediaType)
            || MediaTypes.isImageManifest(mediaType)
            || mediaType.contains("manifest");
    return Optional.of(new Event(action.get(), repository.get(), tag, digest, manifest));
  }

  static Optional<String> string(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()
        ? Optional.of(e.getAsString())
        : Optional.empty();
  }

  static boolean validRepository(String repository) {
    try {
      ImageReference.parseRepository("registry.invalid/" + repository);
      return repository.length() <= 255;
    } catch (InvalidValueException e) {
      return false;
    }
  }

  static boolean validTag(String repository, String tag) {
    try {
      ImageReference.parseRepository("registry.invalid/" + repository).withTag(tag);
      return true;
    } catch (InvalidValueException e) {
      return false;
    }
  }
}
