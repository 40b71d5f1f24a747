package dev.registryintegrity.probe;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.OutputFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where metrics go in one-shot mode: a Pushgateway, a node_exporter textfile. */
public final class MetricsSinks {
  private MetricsSinks() {}

  /**
   * PUT replaces every series of the grouping key, so a repository that recovered loses its failure
   * series instead of keeping a stale one.
   *
   * @param grouping job first, then e.g. instance and shard
   */
  public static void push(URI gateway, Map<String, String> grouping, String metrics) {
    StringBuilder path =
        new StringBuilder(gateway.getPath().replaceAll("/+$", "")).append("/metrics");
    for (Map.Entry<String, String> e : grouping.entrySet()) {
      path.append('/').append(e.getKey());
      // Values with '/' (or empty) use the base64 form the Pushgateway documents.
      if (e.getValue().contains("/") || e.getValue().isEmpty()) {
        path.append("@base64/")
            .append(
                Base64.getUrlEncoder()
                    .encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)));
      } else {
        path.append('/')
            .append(
                java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)
                    .replace("+", "%20"));
      }
    }
    URI uri = gateway.resolve(path.toString());
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(
                  HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "text/plain; version=0.0.4")
                      .PUT(HttpRequest.BodyPublishers.ofString(metrics))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new CannotCheckException(
            "Pushgateway " + gateway + " answered " + r.statusCode() + ": " + r.body().strip());
      }
    } catch (IOException e) {
      throw new CannotCheckException(
          "cannot push metrics to " + gateway + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CannotCheckException("interrupted while pushing metrics", e);
    }
  }

  public static Map<String, String> grouping(String job, String instance, Shard shard) {
    Map<String, String> g = new LinkedHashMap<>();
    g.put("job", job);
    g.put("instance", instance);
    if (shard.isSharded()) {
      g.put("shard", String.valueOf(shard.index()));
    }
    return g;
  }

  /**
   * node_exporter reads *.prom files; a temp file renamed into place is never read half-written.
   */
  public static void writeTextfile(Path file, String metrics) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = OutputFiles.tempIn(dir, ".registry-integrity-", ".prom.tmp");
      Files.writeString(temp, metrics, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CannotCheckException("cannot write metrics to " + file + ": " + e.getMessage(), e);
    }
  }
}
