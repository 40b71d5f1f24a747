package dev.registryintegrity.attach;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.model.MediaTypes;
import dev.registryintegrity.registry.PushResult;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.walk.WalkLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

/**
 * Attaches an artifact to an image the way the OCI 1.1 distribution spec asks of a client: the file
 * and the empty config uploaded (unless there), then a manifest whose {@code subject} is the image,
 * put under its digest. A registry with the referrers API says so in its answer ({@code
 * OCI-Subject}) and lists it from then on; for one without, the client keeps the index under the
 * fallback tag {@code sha256-<hex>} itself, which is read, extended and put back. Two writers
 * extending the same fallback tag at once can lose one entry (the spec has no compare-and-swap);
 * attaching again restores it.
 */
public final class Attacher {
  static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";
  private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);
  private static final Digest EMPTY_DIGEST = Digest.sha256Of(EMPTY);
  private static final String TITLE = "org.opencontainers.image.title";

  private final RegistryClient client;

  public Attacher(RegistryClient client) {
    this.client = client;
  }

  /** Attaches {@code artifact} to the image {@code image} names in {@code repository}. */
  public Attached attach(String repository, ManifestRef image, Artifact artifact) {
    JsonObject subject = subject(repository, image);
    Digest subjectDigest = Digest.parse(subject.get("digest").getAsString());
    upload(repository, EMPTY_DIGEST, EMPTY.length, () -> new java.io.ByteArrayInputStream(EMPTY));
    upload(
        repository,
        artifact.digest(),
        artifact.size(),
        () -> Files.newInputStream(artifact.file()));
    byte[] manifest = manifest(artifact, subject).toString().getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = Digest.sha256Of(manifest);
    PushResult pushed =
        client.pushManifest(repository, manifestDigest, MediaTypes.OCI_MANIFEST, manifest);
    if (!(pushed instanceof PushResult.Done done)) {
      throw refused("the artifact manifest " + manifestDigest, pushed);
    }
    if (done.indexedSubject().filter(subjectDigest::equals).isPresent()) {
      return new Attached.Listed(manifestDigest, subjectDigest);
    }
    JsonObject entry = new JsonObject();
    entry.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    entry.addProperty("digest", manifestDigest.toString());
    entry.addProperty("size", manifest.length);
    entry.addProperty("artifactType", artifact.artifactType());
    if (!artifact.annotations().isEmpty()) {
      entry.add("annotations", annotations(artifact.annotations()));
    }
    return fallback(repository, subjectDigest, manifestDigest, entry);
  }

  /** The image's descriptor, as the artifact's {@code subject}. */
  private JsonObject subject(String repository, ManifestRef image) {
    Lookup answer = client.fetchManifest(repository, image, WalkLimits.MAX_MANIFEST_BYTES);
    if (!(answer instanceof Lookup.Found found) || found.body().isEmpty()) {
      throw new CannotCheckException(
          "cannot attach to "
              + repository
              + (image instanceof ManifestRef.ByDigest ? "@" : ":")
              + image
              + ": the registry answered "
              + answer.status()
              + " for it (push the image first; check the name)");
    }
    byte[] body = found.body().get();
    Digest digest = Digest.sha256Of(body);
    if (image.asDigest().filter(d -> !d.recompute(body).equals(d)).isPresent()) {
      throw new CannotCheckException(
          "the registry served other bytes for " + repository + "@" + image);
    }
    JsonObject d = new JsonObject();
    d.addProperty("mediaType", mediaType(found, body));
    d.addProperty("digest", image.asDigest().orElse(digest).toString());
    d.addProperty("size", body.length);
    return d;
  }

  private static String mediaType(Lookup.Found found, byte[] body) {
    try {
      JsonElement declared =
          JsonParser.parseString(new String(body, StandardCharsets.UTF_8))
              .getAsJsonObject()
              .get("mediaType");
      if (declared != null && declared.isJsonPrimitive()) {
        return declared.getAsString();
      }
    } catch (RuntimeException e) {
      // Not JSON the way a manifest is: the registry's Content-Type is all there is.
    }
    return found.mediaType();
  }

  private void upload(
      String repository,
      Digest digest,
      long size,
      dev.registryintegrity.registry.transport.HttpRequest.Opener bytes) {
    if (client.checkBlob(repository, digest, BlobCheck.HEAD) instanceof Lookup.Found) {
      return;
    }
    PushResult result = client.uploadBlob(repository, digest, size, bytes);
    if (!(result instanceof PushResult.Done)) {
      throw refused("blob " + digest, result);
    }
  }

  private static JsonObject manifest(Artifact artifact, JsonObject subject) {
    JsonObject m = new JsonObject();
    m.addProperty("schemaVersion", 2);
    m.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    m.addProperty("artifactType", artifact.artifactType());
    JsonObject config = new JsonObject();
    config.addProperty("mediaType", EMPTY_TYPE);
    config.addProperty("digest", EMPTY_DIGEST.toString());
    config.addProperty("size", EMPTY.length);
    config.addProperty("data", "e30=");
    m.add("config", config);
    JsonObject layer = new JsonObject();
    layer.addProperty("mediaType", artifact.mediaType());
    layer.addProperty("digest", artifact.digest().toString());
    layer.addProperty("size", artifact.size());
    layer.add("annotations", annotations(Map.of(TITLE, artifact.file().getFileName().toString())));
    JsonArray layers = new JsonArray();
    layers.add(layer);
    m.add("layers", layers);
    m.add("subject", subject);
    if (!artifact.annotations().isEmpty()) {
      m.add("annotations", annotations(artifact.annotations()));
    }
    return m;
  }

  private Attached fallback(String repository, Digest subject, Digest manifest, JsonObject entry) {
    String tag = CosignTags.fallbackTag(subject);
    Lookup current =
        client.fetchManifest(repository, ManifestRef.tag(tag), WalkLimits.MAX_MANIFEST_BYTES);
    JsonObject index;
    if (current instanceof Lookup.Found found && found.body().isPresent()) {
      if (subject.matches(found.body().get())) {
        // GitLab answers a sha256-<hex> tag with the image itself: no index can be kept there.
        throw new CannotCheckException(
            "the registry serves the image itself under "
                + repository
                + ":"
                + tag
                + ", so no referrers index can be kept in that tag: the artifact "
                + manifest
                + " is pushed but not findable; attach on a registry with the referrers API");
      }
      index = existingIndex(repository, tag, found.body().get());
      JsonArray entries = index.getAsJsonArray("manifests");
      for (JsonElement e : entries) {
        if (e.isJsonObject()
            && e.getAsJsonObject().has("digest")
            && manifest.toString().equals(e.getAsJsonObject().get("digest").getAsString())) {
          return new Attached.Tagged(manifest, subject, tag, false);
        }
      }
      entries.add(entry);
    } else if (current instanceof Lookup.Absent) {
      index = new JsonObject();
      index.addProperty("schemaVersion", 2);
      index.addProperty("mediaType", MediaTypes.OCI_INDEX);
      JsonArray entries = new JsonArray();
      entries.add(entry);
      index.add("manifests", entries);
    } else {
      throw new CannotCheckException(
          "cannot read the referrers fallback tag "
              + repository
              + ":"
              + tag
              + " ("
              + current.status()
              + "): the artifact "
              + manifest
              + " is pushed but not yet findable; attach again");
    }
    byte[] bytes = index.toString().getBytes(StandardCharsets.UTF_8);
    PushResult put =
        client.tagManifest(repository, tag, Digest.sha256Of(bytes), MediaTypes.OCI_INDEX, bytes);
    if (!(put instanceof PushResult.Done)) {
      throw refused("the referrers fallback tag " + tag, put);
    }
    return new Attached.Tagged(manifest, subject, tag, true);
  }

  /** The index under the fallback tag; anything else there is someone's, and left alone. */
  private static JsonObject existingIndex(String repository, String tag, byte[] body) {
    try {
      JsonObject o =
          JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
      JsonElement type = o.get("mediaType");
      // As readers take it: an index may leave its mediaType out (the spec's SHOULD).
      boolean index =
          type == null
              || (type.isJsonPrimitive() && MediaTypes.OCI_INDEX.equals(type.getAsString()));
      if (index && o.get("manifests") instanceof JsonArray && !o.has("layers")) {
        o.addProperty("mediaType", MediaTypes.OCI_INDEX);
        return o;
      }
    } catch (RuntimeException e) {
      // Reported below, as anything that is not an index of referrers.
    }
    throw new CannotCheckException(
        "the tag "
            + repository
            + ":"
            + tag
            + " (the referrers fallback tag) holds something other than an OCI index of"
            + " referrers: left as it is; move that tag away, then attach again");
  }

  private static JsonObject annotations(Map<String, String> values) {
    JsonObject o = new JsonObject();
    values.forEach(o::addProperty);
    return o;
  }

  private static CannotCheckException refused(String what, PushResult result) {
    String why =
        switch (result) {
          case PushResult.Refused r ->
              r.status() + (r.reason().isEmpty() ? "" : " " + r.reason()) + hint(r.status());
          case PushResult.WrongBytes w ->
              "the bytes read were "
                  + w.actual()
                  + " ("
                  + w.size()
                  + " bytes): the file changed while it was sent; attach again";
          case PushResult.NotMounted n -> n.status();
          case PushResult.Done d -> "done";
        };
    return new CannotCheckException("the registry refused " + what + ": " + why);
  }

  /** What a refusal most likely means, by its status. */
  private static String hint(String status) {
    if (status.startsWith("401") || status.startsWith("403")) {
      return " (the credential needs push access to the repository)";
    }
    if (status.startsWith("400") || status.startsWith("415")) {
      return " (the registry does not take OCI 1.1 artifacts: an empty config, artifactType or"
          + " subject)";
    }
    return "";
  }
}
