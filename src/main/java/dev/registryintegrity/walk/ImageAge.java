package dev.registryintegrity.walk;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MalformedManifestException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestParser;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.Lookup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When an image was built, the one rule by which retention's {@code --keep-newest} and the probe's
 * {@code --tags-per-repo} order tags: an image manifest's config {@code created}; an index's newest
 * platform image (attestation manifests and artifacts are not images and do not count). A time that
 * cannot be read is never guessed at: reproducible builds write the epoch (or the commit time), so
 * 1970-01-01T00:00:00Z is no build time either.
 */
public final class ImageAge {
  /** A config is kilobytes; a megabyte is not a config. */
  static final int MAX_CONFIG_BYTES = 1 << 20;

  /** Indexes nest one level in the field (an index of platform indexes); two is plenty. */
  private static final int MAX_DEPTH = 3;

  /** An image's age: its build time, or why it has none that can be used. */
  public sealed interface Age {
    record Known(Instant created) implements Age {}

    record Unknown(String why) implements Age {}
  }

  /**
   * The newest of some items by their ages.
   *
   * @param newest the {@code n} newest with a known time
   * @param tied older than those only by order, not by time: their time equals the last of the
   *     newest, and a tie is not broken by guessing
   * @param undated whose time cannot be read: never ordered, so never found old
   */
  public record Newest<T>(Set<T> newest, Set<T> tied, Set<T> undated) {
    /** Every item the rule keeps. */
    public Set<T> all() {
      Set<T> all = new LinkedHashSet<>(newest);
      all.addAll(tied);
      all.addAll(undated);
      return all;
    }
  }

  private final ContentSource source;
  private final int maxManifestBytes;
  private final ManifestParser parser = new ManifestParser();

  public ImageAge(ContentSource source, int maxManifestBytes) {
    this.source = source;
    this.maxManifestBytes = maxManifestBytes;
  }

  /** The age of the image {@code reference} names in {@code repository}. */
  public Age of(String repository, ManifestRef reference) {
    return of(repository, reference, 0);
  }

  private Age of(String repository, ManifestRef reference, int depth) {
    if (depth >= MAX_DEPTH) {
      return new Age.Unknown("indexes nested deeper than " + MAX_DEPTH + " levels");
    }
    if (!(source.fetchManifest(repository, reference, maxManifestBytes) instanceof Lookup.Found f)
        || f.body().isEmpty()) {
      return new Age.Unknown("its manifest " + reference + " is not served");
    }
    Manifest manifest;
    try {
      manifest = parser.parse(f.body().get(), f.mediaType());
    } catch (MalformedManifestException e) {
      return new Age.Unknown("its manifest " + reference + " does not parse");
    }
    return switch (manifest) {
      case Manifest.Index index -> newestPlatform(repository, index, depth);
      case Manifest.Image image when image.isArtifact() ->
          new Age.Unknown(
              "it is an artifact ("
                  + image
                      .artifactType()
                      .or(() -> image.config().map(Descriptor::mediaType))
                      .orElse("no config")
                  + "), not an image");
      case Manifest.Image image ->
          image
              .config()
              .map(config -> created(repository, config.digest()))
              .orElse(new Age.Unknown("its manifest has no config"));
      default -> new Age.Unknown("its manifest " + reference + " is not an image or an index");
    };
  }

  private Age newestPlatform(String repository, Manifest.Index index, int depth) {
    List<Instant> known = new ArrayList<>();
    List<String> why = new ArrayList<>();
    for (Descriptor entry : index.manifests()) {
      if (entry.isAttestation()) {
        continue;
      }
      switch (of(repository, ManifestRef.of(entry.digest()), depth + 1)) {
        case Age.Known k -> known.add(k.created());
        case Age.Unknown u -> why.add(u.why());
      }
    }
    return known.stream()
        .max(Comparator.naturalOrder())
        .<Age>map(Age.Known::new)
        .orElseGet(
            () ->
                new Age.Unknown(
                    why.isEmpty()
                        ? "its index lists no platform image"
                        : "no platform image of its index has a build time (" + why.get(0) + ")"));
  }

  private Age created(String repository, Digest config) {
    Optional<byte[]> bytes = source.readBlob(repository, config, MAX_CONFIG_BYTES);
    if (bytes.isEmpty()) {
      return new Age.Unknown("its config " + config + " is not served");
    }
    if (!config.matches(bytes.get())) {
      return new Age.Unknown("its config's bytes do not hash to " + config);
    }
    return createdOf(bytes.get());
  }

  /** A config's {@code created}, unless absent, unreadable or the epoch. */
  static Age createdOf(byte[] config) {
    try {
      JsonElement root = JsonParser.parseString(new String(config, StandardCharsets.UTF_8));
      JsonElement created = root.isJsonObject() ? ((JsonObject) root).get("created") : null;
      if (created == null || !created.isJsonPrimitive()) {
        return new Age.Unknown("its config has no created time");
      }
      Instant time = Instant.parse(created.getAsString());
      return time.equals(Instant.EPOCH)
          ? new Age.Unknown("its config says 1970-01-01T00:00:00Z, a reproducible build's stand-in")
          : new Age.Known(time);
    } catch (RuntimeException e) {
      // Gson's and java.time's failures alike: the time is unreadable, and that is all it says.
      return new Age.Unknown("its config's created time is unreadable");
    }
  }

  /**
   * The {@code n} newest of {@code ages} by known time, with the rule's two exceptions: items tied
   * with the last of them are kept with them, and undated items are never taken for old. Order
   * among equal times is by the map's order, which decides nothing.
   */
  public static <T> Newest<T> newest(Map<T, Age> ages, int n) {
    List<Map.Entry<T, Instant>> dated = new ArrayList<>();
    Set<T> undated = new LinkedHashSet<>();
    ages.forEach(
        (item, age) -> {
          switch (age) {
            case Age.Known k -> dated.add(Map.entry(item, k.created()));
            case Age.Unknown u -> undated.add(item);
          }
        });
    dated.sort(Map.Entry.<T, Instant>comparingByValue().reversed());
    Set<T> newest = new LinkedHashSet<>();
    Set<T> tied = new LinkedHashSet<>();
    Instant last = null;
    for (Map.Entry<T, Instant> e : dated) {
      if (newest.size() < n) {
        newest.add(e.getKey());
        last = e.getValue();
      } else if (e.getValue().equals(last)) {
        tied.add(e.getKey());
      } else {
        break;
      }
    }
    return new Newest<>(newest, tied, undated);
  }
}
