package dev.registryintegrity.layout;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the example OCI image layouts under {@code examples/layouts}: {@code healthy} (two
 * platforms and an attestation) and {@code orphan-index} (the same, with the linux/arm64 child
 * manifest gone, as garbage collection leaves it). Content is fixed, so regenerating them gives
 * byte-identical files. Regenerate with:
 *
 * <pre>
 * mvn -q test-compile exec:java  # not configured; use instead:
 * java -cp target/test-classes:target/classes:$(ls ~/.m2/repository/com/google/code/gson/gson/2.11.0/gson-2.11.0.jar) \
 *     dev.registryintegrity.layout.ExampleLayouts examples/layouts
 * </pre>
 */
public final class ExampleLayouts {
  private static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private ExampleLayouts() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "examples/layouts");
    write(out);
    System.out.println("wrote " + out.resolve("healthy") + " and " + out.resolve("orphan-index"));
  }

  /** What was written, for tests. */
  public record Written(Digest index, Digest amd64, Digest arm64, Digest attestation) {}

  public static Written write(Path out) throws IOException {
    Written healthy = writeLayout(out.resolve("healthy"));
    Written orphan = writeLayout(out.resolve("orphan-index"));
    Files.delete(blob(out.resolve("orphan-index"), orphan.arm64()));
    return healthy;
  }

  private static Written writeLayout(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<Map<String, Object>> entries = new ArrayList<>();
    Digest amd64 = null;
    Digest arm64 = null;
    for (String arch : List.of("amd64", "arm64")) {
      List<Map<String, Object>> layers = new ArrayList<>();
      List<String> diffIds = new ArrayList<>();
      for (String file : List.of("etc/os-release", "app/" + arch + ".txt")) {
        byte[] tar =
            tar(
                file,
                ("example content of " + file + " for linux/" + arch + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        diffIds.add(Digest.sha256Of(tar).toString());
        layers.add(put(dir, LAYER, gzip(tar)));
      }
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("architecture", arch);
      config.put("os", "linux");
      config.put("created", "2026-01-01T00:00:00Z");
      config.put("config", map("Cmd", List.of("/app/" + arch + ".txt")));
      config.put("rootfs", map("type", "layers", "diff_ids", diffIds));
      Map<String, Object> configDescriptor = put(dir, MediaTypes.OCI_CONFIG, json(config));
      Map<String, Object> manifest =
          put(dir, MediaTypes.OCI_MANIFEST, json(manifest(configDescriptor, layers)));
      manifest.put("platform", map("os", "linux", "architecture", arch));
      entries.add(manifest);
      if (arch.equals("amd64")) {
        amd64 = Digest.parse((String) manifest.get("digest"));
      } else {
        arm64 = Digest.parse((String) manifest.get("digest"));
      }
    }
    byte[] statement =
        json(
            map(
                "_type",
                "https://in-toto.io/Statement/v0.1",
                "predicateType",
                "https://spdx.dev/Document",
                "subject",
                List.of(map("name", "example", "digest", map("sha256", amd64.hex()))),
                "predicate",
                map("spdxVersion", "SPDX-2.3", "name", "example")));
    Map<String, Object> statementDescriptor = put(dir, "application/vnd.in-toto+json", statement);
    statementDescriptor.put(
        "annotations", map("in-toto.io/predicate-type", "https://spdx.dev/Document"));
    Map<String, Object> attConfig =
        put(
            dir,
            MediaTypes.OCI_CONFIG,
            json(
                map(
                    "architecture",
                    "unknown",
                    "os",
                    "unknown",
                    "config",
                    map(),
                    "rootfs",
                    map(
                        "type",
                        "layers",
                        "diff_ids",
                        List.of(Digest.sha256Of(statement).toString())))));
    Map<String, Object> attestation =
        put(dir, MediaTypes.OCI_MANIFEST, json(manifest(attConfig, List.of(statementDescriptor))));
    attestation.put("platform", map("os", "unknown", "architecture", "unknown"));
    attestation.put(
        "annotations",
        map(
            MediaTypes.REFERENCE_TYPE_ANNOTATION,
            MediaTypes.ATTESTATION_MANIFEST,
            "vnd.docker.reference.digest",
            amd64.toString()));
    entries.add(attestation);
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", entries);
    Map<String, Object> indexDescriptor = put(dir, MediaTypes.OCI_INDEX, json(index));
    indexDescriptor.put("annotations", map(MediaTypes.REF_NAME_ANNOTATION, "latest"));
    Map<String, Object> layout = new LinkedHashMap<>();
    layout.put("schemaVersion", 2);
    layout.put("mediaType", MediaTypes.OCI_INDEX);
    layout.put("manifests", List.of(indexDescriptor));
    Files.write(dir.resolve("index.json"), json(layout));
    return new Written(
        Digest.parse((String) indexDescriptor.get("digest")),
        amd64,
        arm64,
        Digest.parse((String) attestation.get("digest")));
  }

  /** An ordered map: Map.of iterates in a per-JVM random order, and the bytes must not change. */
  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> manifest(
      Map<String, Object> config, List<Map<String, Object>> layers) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("config", config);
    m.put("layers", layers);
    return m;
  }

  static Path blob(Path dir, Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private static Map<String, Object> put(Path dir, String mediaType, byte[] content)
      throws IOException {
    Digest digest = Digest.sha256Of(content);
    Files.write(blob(dir, digest), content);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mediaType", mediaType);
    d.put("digest", digest.toString());
    d.put("size", (long) content.length);
    return d;
  }

  private static byte[] json(Object value) {
    return GSON.toJson(value).getBytes(StandardCharsets.UTF_8);
  }

  /** gzip with a zero timestamp (the JDK's default), so the bytes never change. */
  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A one-file POSIX ustar archive with fixed owner and time. */
  private static byte[] tar(String name, byte[] content) {
    byte[] header = new byte[512];
    putString(header, 0, name, 100);
    putString(header, 100, "0000644", 8);
    putString(header, 108, "0000000", 8);
    putString(header, 116, "0000000", 8);
    putString(header, 124, String.format("%011o", content.length), 12);
    putString(header, 136, "00000000000", 12);
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    header[156] = '0';
    putString(header, 257, "ustar", 6);
    header[263] = '0';
    header[264] = '0';
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    putString(header, 148, String.format("%06o", sum), 7);
    int padded = (content.length + 511) / 512 * 512;
    byte[] tar = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, tar, 0, 512);
    System.arraycopy(content, 0, tar, 512, content.length);
    return tar;
  }

  private static void putString(byte[] buffer, int offset, String value, int length) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, buffer, offset, Math.min(bytes.length, length));
  }
}
