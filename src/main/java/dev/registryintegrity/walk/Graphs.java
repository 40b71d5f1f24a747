package dev.registryintegrity.walk;

import dev.registryintegrity.model.Digest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Traversals over a walked graph that visit each digest once, in a stable depth-first order. */
public final class Graphs {
  private Graphs() {}

  /** Receives each node the first time its digest is met, with the path of nodes leading to it. */
  @FunctionalInterface
  public interface Visitor {
    void visit(Node node, List<Node> path);
  }

  /** Receives every position in the tree; {@code repeat} is true when the digest was met before. */
  @FunctionalInterface
  public interface TreeVisitor {
    void visit(Node node, int depth, boolean repeat);
  }

  public static void forEachUnique(Node root, Visitor visitor) {
    walk(root, new ArrayList<>(), new HashSet<>(), visitor, null);
  }

  public static void forEachPosition(Node root, TreeVisitor visitor) {
    walk(root, new ArrayList<>(), new HashSet<>(), null, visitor);
  }

  private static void walk(
      Node node, List<Node> path, Set<Digest> seen, Visitor unique, TreeVisitor tree) {
    Optional<Digest> digest = node.digest();
    boolean repeat = digest.isPresent() && !seen.add(digest.get());
    if (tree != null) {
      tree.visit(node, path.size(), repeat);
    }
    if (repeat) {
      return;
    }
    if (unique != null) {
      unique.visit(node, List.copyOf(path));
    }
    path.add(node);
    for (Node child : node.children()) {
      walk(child, path, seen, unique, tree);
    }
    path.remove(path.size() - 1);
  }
}
