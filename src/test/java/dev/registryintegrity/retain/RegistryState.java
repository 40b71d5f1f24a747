package dev.registryintegrity.retain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.fixture.RegistryFixture;
import dev.registryintegrity.model.Digest;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What a registry holds, asked of its API and read from its storage, for retention's tests. */
final class RegistryState {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RegistryState() {}

  /** Every tag and the digest it resolves to, asked of the registry. */
  static Map<String, Digest> tags(RegistryFixture registry, String repository) throws Exception {
    HttpResponse<String> list =
        HTTP.send(
            HttpRequest.newBuilder(
                    registry.baseUri().resolve("/v2/" + repository + "/tags/list?n=1000"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, list.statusCode(), list.body());
    Map<String, Digest> tags = new HashMap<>();
    JsonObject body = com.google.gson.JsonParser.parseString(list.body()).getAsJsonObject();
    if (body.get("tags").isJsonArray()) {
      for (JsonElement t : body.getAsJsonArray("tags")) {
        tags.put(t.getAsString(), resolve(registry, repository, t.getAsString()));
      }
    }
    return tags;
  }

  static Digest resolve(RegistryFixture registry, String repository, String tag) throws Exception {
    HttpResponse<Void> head =
        HTTP.send(
            HttpRequest.newBuilder(
                    registry.baseUri().resolve("/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header(
                    "Accept",
                    String.join(
                        ", ",
                        "application/vnd.oci.image.index.v1+json",
                        "application/vnd.oci.image.manifest.v1+json",
                        "application/vnd.docker.distribution.manifest.list.v2+json",
                        "application/vnd.docker.distribution.manifest.v2+json"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(200, head.statusCode(), repository + ":" + tag);
    return Digest.parse(head.headers().firstValue("Docker-Content-Digest").orElseThrow());
  }

  static int delete(RegistryFixture registry, String repository, String reference)
      throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    registry.baseUri().resolve("/v2/" + repository + "/manifests/" + reference))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** What {@code binary --version} prints. */
  static String versionOf(Path binary) throws Exception {
    Process p =
        new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out.trim();
  }

  /** Every file under {@code root} and its size: what "nothing changed" compares. */
  static Map<Path, Long> files(Path root) throws IOException {
    Map<Path, Long> files = new TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p), Files.size(p));
      }
    }
    return files;
  }

  /** The blobs other repositories link (layers, configs, manifests): the collector keeps them. */
  static Set<Digest> linkedByOtherRepositories(RegistryFixture registry, String repository)
      throws IOException {
    Set<Digest> linked = new HashSet<>();
    Path repositories = registry.storageRoot().resolve("repositories");
    try (Stream<Path> walk = Files.walk(repositories)) {
      for (Path link : walk.filter(p -> p.getFileName().toString().equals("link")).toList()) {
        String relative = repositories.relativize(link).toString();
        if (relative.startsWith(repository + "/_")) {
          continue;
        }
        String text = Files.readString(link).strip();
        if (text.startsWith("sha256:")) {
          linked.add(Digest.parse(text));
        }
      }
    }
    return linked;
  }

  static String fate(JsonObject repository, String tag) {
    for (JsonElement t : repository.getAsJsonArray("tags")) {
      if (t.getAsJsonObject().get("tag").getAsString().equals(tag)) {
        return t.getAsJsonObject().get("fate").getAsString();
      }
    }
    throw new AssertionError("no tag " + tag + " in " + repository);
  }
}
