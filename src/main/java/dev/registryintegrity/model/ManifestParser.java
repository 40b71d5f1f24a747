package dev.registryintegrity.model;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.JsonSyntaxException;
import dev.registryintegrity.InputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns manifest bytes into a {@link Manifest}. The JSON shape is mapped onto plain template
 * classes by Gson; meaning (which kind of manifest, which descriptors are children) is decided
 * here, apart from the mapping.
 */
public final class ManifestParser {
  private final Gson gson = new Gson();

  /**
   * Parses a manifest body.
   *
   * @param contentType the media type the server declared, used when the body has none (Docker
   *     schema2 manifest lists and OCI manifests may omit {@code mediaType}).
   */
  public Manifest parse(byte[] body, String contentType) throws MalformedManifestException {
    Template t;
    try {
      t = gson.fromJson(new String(body, StandardCharsets.UTF_8), Template.class);
    } catch (JsonSyntaxException e) {
      throw new MalformedManifestException("body is not valid JSON (" + rootCause(e) + ")");
    } catch (JsonParseException e) {
      throw new MalformedManifestException("body is not a manifest (" + rootCause(e) + ")");
    }
    if (t == null) {
      throw new MalformedManifestException("body is empty");
    }
    String mediaType = firstNonBlank(t.mediaType, stripParameters(contentType));
    if (t.schemaVersion != null && t.schemaVersion == 1 || MediaTypes.isSchema1(mediaType)) {
      return new Manifest.Schema1(mediaType.isEmpty() ? MediaTypes.DOCKER_SCHEMA1 : mediaType);
    }
    try {
      Optional<Descriptor> subject = Optional.ofNullable(t.subject).map(d -> d.toDescriptor("subject"));
      Optional<String> artifactType = Optional.ofNullable(t.artifactType);
      if (MediaTypes.isIndex(mediaType) || (t.manifests != null && !MediaTypes.isImageManifest(mediaType))) {
        return new Manifest.Index(
            mediaType.isEmpty() ? MediaTypes.OCI_INDEX : mediaType,
            descriptors(t.manifests, "manifests"),
            subject,
            artifactType);
      }
      if (MediaTypes.isImageManifest(mediaType) || t.config != null || t.layers != null || t.blobs != null) {
        List<Descriptor> layers = new ArrayList<>(descriptors(t.layers, "layers"));
        // The withdrawn OCI artifact manifest draft listed its content under "blobs".
        layers.addAll(descriptors(t.blobs, "blobs"));
        return new Manifest.Image(
            mediaType.isEmpty() ? MediaTypes.OCI_MANIFEST : mediaType,
            Optional.ofNullable(t.config).map(d -> d.toDescriptor("config")),
            layers,
            subject,
            artifactType);
      }
    } catch (InputException e) {
      throw new MalformedManifestException(e.getMessage());
    }
    if (mediaType.isEmpty()) {
      throw new MalformedManifestException("body has no mediaType, manifests, config or layers");
    }
    return new Manifest.Opaque(mediaType);
  }

  private static List<Descriptor> descriptors(List<DescriptorTemplate> list, String field)
      throws MalformedManifestException {
    if (list == null) {
      return List.of();
    }
    List<Descriptor> result = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      DescriptorTemplate d = list.get(i);
      if (d == null) {
        throw new MalformedManifestException(field + "[" + i + "] is null");
      }
      result.add(d.toDescriptor(field + "[" + i + "]"));
    }
    return result;
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b == null ? "" : b;
  }

  static String stripParameters(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** The JSON shape shared by all manifest kinds; unused fields stay null. */
  static final class Template {
    Integer schemaVersion;
    String mediaType;
    String artifactType;
    List<DescriptorTemplate> manifests;
    DescriptorTemplate config;
    List<DescriptorTemplate> layers;
    List<DescriptorTemplate> blobs;
    DescriptorTemplate subject;
  }

  static final class DescriptorTemplate {
    String mediaType;
    String digest;
    Long size;
    PlatformTemplate platform;
    Map<String, String> annotations;
    String artifactType;

    Descriptor toDescriptor(String where) {
      if (digest == null) {
        throw new InputException(where + " has no digest");
      }
      Digest parsed;
      try {
        parsed = Digest.parse(digest);
      } catch (InputException e) {
        throw new InputException(where + ": " + e.getMessage());
      }
      if (size == null || size < 0) {
        throw new InputException(where + " (" + digest + ") has no valid size");
      }
      return new Descriptor(
          mediaType,
          parsed,
          size,
          Optional.ofNullable(platform).map(p -> new Platform(p.os, p.architecture, p.variant)),
          annotations == null ? Map.of() : annotations,
          Optional.ofNullable(artifactType));
    }
  }

  static final class PlatformTemplate {
    String os;
    String architecture;
    String variant;
  }
}
