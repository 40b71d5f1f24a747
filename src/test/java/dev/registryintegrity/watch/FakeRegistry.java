package dev.registryintegrity.watch;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.report.RunReport;
import dev.registryintegrity.walk.Finding;
import dev.registryintegrity.walk.ImageResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the registry walk, which the receiver's unit tests do not test: each tag is a
 * manifest and {@link #LAYER}, the layer found as {@link #layers} says (intact unless told), or a
 * tag that does not resolve when {@link #unresolved}. Its references are {@code reg/REPO:TAG}.
 */
final class FakeRegistry implements Receiver.Checker {
  static final Digest LAYER = Images.digest("layer");

  final Map<String, Finding> layers = new ConcurrentHashMap<>();
  final Set<String> unresolved = ConcurrentHashMap.newKeySet();

  /** The tags {@code tags/list} still names. */
  final Set<String> listed = ConcurrentHashMap.newKeySet();

  /** The tags of each walk asked for, in order. */
  final List<List<String>> walks = new CopyOnWriteArrayList<>();

  /** How many of the next walks throw. */
  final AtomicInteger breakdowns = new AtomicInteger();

  volatile boolean listingFails;

  @Override
  public RunReport check(String repository, List<String> tags) {
    walks.add(tags);
    if (breakdowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("the walk broke");
    }
    return Images.report(tags.stream().map(tag -> image(repository, tag)).toList());
  }

  private ImageResult image(String repository, String tag) {
    String reference = "reg/" + repository + ":" + tag;
    return unresolved.contains(tag)
        ? Images.unresolved(reference)
        : Images.image(reference, LAYER, layers.getOrDefault(tag, Images.INTACT));
  }

  @Override
  public boolean tagListed(String repository, String tag) {
    if (listingFails) {
      throw new CannotCheckException("tags/list answered 503");
    }
    return listed.contains(tag);
  }
}
