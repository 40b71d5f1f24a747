package dev.registryintegrity.walk;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Kind;
import java.util.List;
import java.util.Optional;

/**
 * One checked digest in an image's graph, with the children it leads to.
 *
 * <p>A digest shared by several parents is one {@code Node} per parent (each parent's descriptor
 * may declare another size), but their {@code children} list is the same object: the graph is a
 * DAG, and renderers list each digest once per image. Built by name ({@link #of}, {@link #tag},
 * {@link #builder}, {@link #toBuilder}).
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

  /** A node of no known digest (a tag that did not resolve, a list that could not be read). */
  public static Builder builder(Kind kind) {
    return new Builder(kind);
  }

  /** A digest as its parent describes it: digest, declared size and media type. */
  public static Builder of(Kind kind, Descriptor descriptor) {
    Builder b = new Builder(kind);
    b.digest = Optional.of(descriptor.digest());
    b.size = descriptor.size();
    b.mediaType = descriptor.mediaType();
    return b;
  }

  /** A tag that resolved to no digest the walk could read: there is only the tag to report. */
  public static Builder tag() {
    return builder(Kind.TAG);
  }

  public Builder toBuilder() {
    Builder b = new Builder(kind);
    b.digest = digest;
    b.size = size;
    b.mediaType = mediaType;
    b.platform = platform;
    b.status = status;
    b.finding = finding;
    b.children = children;
    b.artifactType = artifactType;
    return b;
  }

  /** Every component by name; unset ones are "not known" (no digest, size -1, status "-"). */
  public static final class Builder {
    private final Kind kind;
    private Optional<Digest> digest = Optional.empty();
    private long size = -1;
    private String mediaType = "";
    private Optional<String> platform = Optional.empty();
    private String status = "-";
    private Finding finding;
    private List<Node> children = List.of();
    private Optional<String> artifactType = Optional.empty();

    private Builder(Kind kind) {
      this.kind = kind;
    }

    public Builder digest(Optional<Digest> digest) {
      this.digest = digest;
      return this;
    }

    public Builder platform(Optional<String> platform) {
      this.platform = platform;
      return this;
    }

    public Builder status(String status) {
      this.status = status;
      return this;
    }

    public Builder finding(Finding finding) {
      this.finding = finding;
      return this;
    }

    public Builder children(List<Node> children) {
      this.children = children;
      return this;
    }

    public Builder artifactType(String artifactType) {
      this.artifactType = Optional.of(artifactType);
      return this;
    }

    public Node build() {
      if (finding == null) {
        throw new IllegalStateException("a node without a finding says nothing: set one");
      }
      return new Node(
          kind, digest, size, mediaType, platform, status, finding, children, artifactType);
    }
  }
}
