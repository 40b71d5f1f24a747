package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import java.util.List;
import java.util.Optional;

/**
 * One checked digest in an image's graph, with the children it leads to.
 *
 * <p>A digest shared by several parents is one {@code Node} per parent (each parent's descriptor
 * may declare another size), but their {@code children} list is the same object: the graph is a
 * DAG, and renderers list each digest once per image.
 *
 * @param size the size the parent's descriptor declares, or the body's size for a tag's root
 * @param platform the platform this digest serves ("linux/amd64"), empty when it serves all
 * @param status the source's answer as shown in the report ("200", "404 MANIFEST_UNKNOWN")
 * @param artifactType for a referrer, what it is ("application/spdx+json"); its subject is its
 *     parent
 */
public record Node(
    Kind kind,
    Optional<Digest> digest,
    long size,
    String mediaType,
    Optional<String> platform,
    String status,
    Finding finding,
    List<Node> children,
    Optional<String> artifactType) {

  public Node {
    children = List.copyOf(children);
  }

  public Node(
      Kind kind,
      Optional<Digest> digest,
      long size,
      String mediaType,
      Optional<String> platform,
      String status,
      Finding finding,
      List<Node> children) {
    this(kind, digest, size, mediaType, platform, status, finding, children, Optional.empty());
  }
}
