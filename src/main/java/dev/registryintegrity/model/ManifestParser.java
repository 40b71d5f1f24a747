package dev.registryintegrity.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns manifest bytes into a {@link Manifest}. The body is untrusted: it is read as a JSON tree
 * (strictly, nesting bounded), then each field is taken with the type the specs give it, so a wrong
 * shape is reported as what a person can fix ("manifests[0].size is a string, expected a number"),
 * never as a library's message. Meaning (which kind of manifest, which descriptors are children) is
 * decided here too.
 */
public final class ManifestParser {
  /** Manifests nest four levels at most (index, descriptor, platform, a list); JSON bombs more. */
  private static final int NESTING_LIMIT = 32;

  private static final Pattern WHOLE = Pattern.compile("-?[0-9]{1,19}");
  private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

  /**
   * Parses a manifest body.
   *
   * @param contentType the media type the server declared, used when the body has none (Docker
   *     schema2 manifest lists and OCI manifests may omit {@code mediaType}).
   */
  public Manifest parse(byte[] body, String contentType) throws MalformedManifestException {
    try {
      return read(object(body), contentType);
    } catch (Schema e) {
      throw new MalformedManifestException(e.getMessage());
    }
  }

  private Manifest read(JsonObject o, String contentType) throws MalformedManifestException {
    Integer schemaVersion =
        optional(o, "schemaVersion", "schemaVersion", Kind.NUMBER)
            .map(e -> integer(e, "schemaVersion"))
            .orElse(null);
    String declared = firstNonBlank(string(o, "mediaType", "mediaType"), "");
    String header = stripParameters(contentType);
    String mediaType = declared.isEmpty() ? header : declared;
    if (schemaVersion != null && schemaVersion == 1 || MediaTypes.isSchema1(mediaType)) {
      return new Manifest.Schema1(mediaType.isEmpty() ? MediaTypes.DOCKER_SCHEMA1 : mediaType);
    }
    Optional<Descriptor> subject =
        optional(o, "subject", "subject", Kind.OBJECT).map(e -> descriptor(e, "subject"));
    Optional<String> artifactType = Optional.ofNullable(string(o, "artifactType", "artifactType"));
    Optional<List<Descriptor>> manifests = descriptors(o, "manifests");
    Optional<Descriptor> config =
        optional(o, "config", "config", Kind.OBJECT).map(e -> descriptor(e, "config"));
    Optional<List<Descriptor>> layers = descriptors(o, "layers");
    // The withdrawn OCI artifact manifest draft listed its content under "blobs".
    Optional<List<Descriptor>> blobs = descriptors(o, "blobs");
    boolean indexShape = manifests.isPresent();
    boolean imageShape = config.isPresent() || layers.isPresent() || blobs.isPresent();
    // The shape decides when it is unambiguous: registries and old tools omit mediaType or send a
    // Content-Type of the other kind, and a client follows what the body lists, not the label.
    boolean index = indexShape != imageShape ? indexShape : MediaTypes.isIndex(mediaType);
    boolean image = indexShape != imageShape ? imageShape : MediaTypes.isImageManifest(mediaType);
    if (index) {
      return new Manifest.Index(
          typeOfShape(declared, header, true), manifests.orElse(List.of()), subject, artifactType);
    }
    if (image) {
      List<Descriptor> all = new ArrayList<>(layers.orElse(List.of()));
      all.addAll(blobs.orElse(List.of()));
      return new Manifest.Image(
          typeOfShape(declared, header, false), config, all, subject, artifactType);
    }
    if (mediaType.isEmpty()) {
      throw new MalformedManifestException("body has no mediaType, manifests, config or layers");
    }
    return new Manifest.Opaque(mediaType);
  }

  /**
   * The media type a manifest of this shape goes by: the body's own when it names one, else the
   * Content-Type when that names this kind, else the OCI type of the kind.
   */
  private static String typeOfShape(String declared, String header, boolean index) {
    if (!declared.isEmpty()) {
      return declared;
    }
    boolean headerFits = index ? MediaTypes.isIndex(header) : MediaTypes.isImageManifest(header);
    return headerFits ? header : index ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
  }

  private static JsonObject object(byte[] body) throws MalformedManifestException {
    if (body.length == 0) {
      throw new MalformedManifestException("body is empty");
    }
    JsonElement root;
    try {
      JsonReader reader =
          new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)));
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(NESTING_LIMIT);
      root = JsonParser.parseReader(reader);
      if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw new MalformedManifestException("body is not valid JSON (more after the first value)");
      }
    } catch (JsonParseException | java.io.IOException | IllegalStateException e) {
      throw new MalformedManifestException("body is not valid JSON" + position(e));
    } catch (StackOverflowError e) {
      throw new MalformedManifestException("body is not valid JSON (nested too deeply)");
    }
    if (!root.isJsonObject()) {
      throw new MalformedManifestException(
          "body is " + article(typeOf(root)) + ", expected a JSON object");
    }
    return root.getAsJsonObject();
  }

  /** Where the JSON broke, in our words: Gson's message carries a link and a path syntax. */
  private static String position(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("Nesting limit")) {
        return " (nested deeper than " + NESTING_LIMIT + " levels)";
      }
      Matcher m = POSITION.matcher(message);
      if (m.find()) {
        return " (at line " + m.group(1) + " column " + m.group(2) + ")";
      }
    }
    return "";
  }

  private enum Kind {
    OBJECT("an object"),
    ARRAY("a list"),
    STRING("a string"),
    NUMBER("a number");

    private final String phrase;

    Kind(String phrase) {
      this.phrase = phrase;
    }
  }

  /** A field that may be absent or null; present, it must be of {@code kind}. */
  private static Optional<JsonElement> optional(
      JsonObject o, String field, String where, Kind kind) {
    JsonElement e = o.get(field);
    if (e == null || e.isJsonNull()) {
      return Optional.empty();
    }
    boolean fits =
        switch (kind) {
          case OBJECT -> e.isJsonObject();
          case ARRAY -> e.isJsonArray();
          case STRING -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
          case NUMBER -> e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
        };
    if (!fits) {
      throw malformed(where + " is " + article(typeOf(e)) + ", expected " + kind.phrase);
    }
    return Optional.of(e);
  }

  private static String string(JsonObject o, String field, String where) {
    return optional(o, field, where, Kind.STRING).map(JsonElement::getAsString).orElse(null);
  }

  private static int integer(JsonElement e, String where) {
    long value = wholeNumber(e, where, "a small whole number");
    if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
      throw malformed(where + " is " + value + ", expected a small whole number");
    }
    return (int) value;
  }

  /**
   * A JSON number that must be a whole number fitting a long, judged from its literal text: a
   * literal such as 1e99999999 must cost nothing to refuse (a BigDecimal of it would not).
   */
  private static long wholeNumber(JsonElement e, String where, String expected) {
    String literal = e.getAsJsonPrimitive().getAsString();
    if (WHOLE.matcher(literal).matches()) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException tooBig) {
        // falls through to the message below
      }
    }
    String shown = literal.length() > 30 ? literal.substring(0, 30) + "..." : literal;
    throw malformed(where + " is " + shown + ", expected " + expected);
  }

  private static Optional<List<Descriptor>> descriptors(JsonObject o, String field) {
    Optional<JsonElement> list = optional(o, field, field, Kind.ARRAY);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    JsonArray array = list.get().getAsJsonArray();
    List<Descriptor> result = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = field + "[" + i + "]";
      JsonElement entry = array.get(i);
      if (!entry.isJsonObject()) {
        throw malformed(where + " is " + article(typeOf(entry)) + ", expected a descriptor object");
      }
      result.add(descriptor(entry, where));
    }
    return Optional.of(result);
  }

  private static Descriptor descriptor(JsonElement element, String where) {
    JsonObject d = element.getAsJsonObject();
    String digestText = string(d, "digest", where + ".digest");
    if (digestText == null) {
      throw malformed(where + " has no digest");
    }
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (InvalidValueException e) {
      throw malformed(where + ".digest: " + e.getMessage());
    }
    JsonElement sizeElement =
        optional(d, "size", where + ".size", Kind.NUMBER)
            .orElseThrow(() -> malformed(where + " (" + digestText + ") has no size"));
    long bytes = wholeNumber(sizeElement, where + ".size", "a whole number of bytes");
    if (bytes < 0) {
      throw malformed(where + ".size is " + bytes + ": a size cannot be negative");
    }
    Optional<Platform> platform =
        optional(d, "platform", where + ".platform", Kind.OBJECT)
            .map(
                p -> {
                  JsonObject po = p.getAsJsonObject();
                  return new Platform(
                      string(po, "os", where + ".platform.os"),
                      string(po, "architecture", where + ".platform.architecture"),
                      string(po, "variant", where + ".platform.variant"));
                });
    Map<String, String> annotations = new LinkedHashMap<>();
    optional(d, "annotations", where + ".annotations", Kind.OBJECT)
        .ifPresent(
            a -> {
              for (var entry : a.getAsJsonObject().entrySet()) {
                String value =
                    string(
                        a.getAsJsonObject(),
                        entry.getKey(),
                        where + ".annotations[\"" + entry.getKey() + "\"]");
                if (value != null) {
                  annotations.put(entry.getKey(), value);
                }
              }
            });
    List<String> urls = new ArrayList<>();
    optional(d, "urls", where + ".urls", Kind.ARRAY)
        .ifPresent(
            list -> {
              JsonArray array = list.getAsJsonArray();
              for (int i = 0; i < array.size(); i++) {
                JsonElement url = array.get(i);
                if (!url.isJsonPrimitive() || !url.getAsJsonPrimitive().isString()) {
                  throw malformed(
                      where
                          + ".urls["
                          + i
                          + "] is "
                          + article(typeOf(url))
                          + ", expected a string");
                }
                urls.add(url.getAsString());
              }
            });
    return new Descriptor(
        string(d, "mediaType", where + ".mediaType"),
        digest,
        bytes,
        platform,
        annotations,
        Optional.ofNullable(string(d, "artifactType", where + ".artifactType")),
        urls);
  }

  private static String typeOf(JsonElement e) {
    if (e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "object";
    }
    if (e.isJsonArray()) {
      return "list";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isBoolean() ? "boolean" : p.isNumber() ? "number" : "string";
  }

  private static String article(String type) {
    return type.equals("null") ? "null" : (type.startsWith("o") ? "an " : "a ") + type;
  }

  /** Schema errors travel unchecked through the lambdas above and are turned back at the edge. */
  private static Schema malformed(String message) {
    return new Schema(message);
  }

  private static final class Schema extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Schema(String message) {
      super(message, null, false, false);
    }
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b == null ? "" : b;
  }

  /** A Content-Type without its parameters ("; charset=utf-8"). */
  public static String stripParameters(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }
}
