package dev.registryintegrity.heal;

import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Kind;
import java.util.List;
import java.util.Optional;

/**
 * What heal did, or would do, about one missing digest of one repository.
 *
 * @param kind the digest's role (manifest, config, layer, ...)
 * @param platform the platform it serves, when it serves one
 * @param outcome restored, planned, still missing, or not pushed
 * @param lookedIn every donor asked before the answer, with what it said ("registry m: 404")
 */
public record Restoration(
    Kind kind,
    Descriptor descriptor,
    Optional<String> platform,
    Outcome outcome,
    List<String> lookedIn) {
  public Restoration {
    lookedIn = List.copyOf(lookedIn);
  }

  /** The shape of an outcome; every report switches over these. */
  public sealed interface Outcome {}

  /**
   * Put back.
   *
   * @param method "mount", "copy" (a blob) or "push" (a manifest put by digest)
   */
  public record Restored(String from, String method) implements Outcome {}

  /** A dry run's plan: it would be put back from there. */
  public record Planned(String from, String method) implements Outcome {}

  /** No donor holds it (or what it needs); a rebuild is what is left. */
  public record StillMissing(String why) implements Outcome {}

  /** A donor holds it but the registry did not take it, or could not be asked (exit 3). */
  public record NotPushed(String why, boolean couldNotCheck) implements Outcome {}

  public boolean ok() {
    return outcome instanceof Restored || outcome instanceof Planned;
  }

  /** Bytes that travel: a copied blob's size; a mount moves nothing, a manifest is small. */
  public long bytesMoved() {
    return switch (outcome) {
      case Restored r when r.method().equals("copy") -> descriptor.size();
      case Planned p when p.method().equals("copy") -> descriptor.size();
      default -> 0;
    };
  }
}
