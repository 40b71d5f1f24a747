package dev.registryintegrity.attach;

import dev.registryintegrity.model.Digest;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A file to attach, already hashed.
 *
 * @param artifactType what it is, as readers ask for it ({@code application/vnd.cyclonedx+json})
 * @param mediaType the file's own media type, its layer's
 * @param file where its bytes are read from when uploaded
 * @param digest the file's digest
 * @param size the file's size
 * @param annotations the artifact manifest's annotations, kept in key order: the same file and
 *     annotations make the same manifest, so attaching twice adds nothing
 */
public record Artifact(
    String artifactType,
    String mediaType,
    Path file,
    Digest digest,
    long size,
    Map<String, String> annotations) {
  public Artifact {
    annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
  }
}
