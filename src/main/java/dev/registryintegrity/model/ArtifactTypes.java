package dev.registryintegrity.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Artifact types a user requires, as media types (RFC 6838 names: type/subtype). */
public final class ArtifactTypes {
  private static final Pattern MEDIA_TYPE =
      Pattern.compile(
          "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

  private ArtifactTypes() {}

  /** Each value may hold several, comma-separated; blanks are skipped. */
  public static List<String> parse(List<String> values) {
    List<String> types = new ArrayList<>();
    for (String value : values) {
      for (String type : value.split(",")) {
        String t = type.trim();
        if (t.isEmpty()) {
          continue;
        }
        if (!MEDIA_TYPE.matcher(t).matches()) {
          throw new InvalidValueException(
              "'"
                  + t
                  + "' is not a media type: write e.g."
                  + " application/vnd.dev.cosign.artifact.sig.v1+json or application/spdx+json");
        }
        types.add(t);
      }
    }
    return List.copyOf(types);
  }
}
