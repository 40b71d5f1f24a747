package dev.registryintegrity.reference;

import dev.registryintegrity.model.InvalidValueException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An OCI image layout on disk, {@code oci:DIR[:TAG]} as skopeo and crane write it.
 *
 * <p>A directory name may itself hold ':'. The text after the last ':' is a tag only when it is a
 * valid tag and the text before it is not, by itself, an existing directory whose full name would
 * then be wrong: in short, {@code oci:a:b} means directory {@code a}, tag {@code b}, unless {@code
 * a:b} is the directory that exists.
 */
public record LayoutReference(Path directory, Optional<String> tag) implements TargetReference {
  public static final String PREFIX = "oci:";
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  public static LayoutReference parse(String argument) {
    String rest = argument.substring(PREFIX.length());
    if (rest.isEmpty()) {
      throw new InvalidValueException(
          "invalid image reference '" + argument + "': oci: needs a directory (oci:DIR[:TAG])");
    }
    int colon = rest.lastIndexOf(':');
    if (colon > 0) {
      String dir = rest.substring(0, colon);
      String tag = rest.substring(colon + 1);
      boolean wholeIsDirectory = Files.isDirectory(Path.of(rest));
      if (!wholeIsDirectory && TAG.matcher(tag).matches()) {
        return new LayoutReference(Path.of(dir), Optional.of(tag));
      }
      if (!wholeIsDirectory && !tag.isEmpty()) {
        throw new InvalidValueException(
            "invalid image reference '" + argument + "': '" + tag + "' is not a valid tag");
      }
    }
    return new LayoutReference(
        Path.of(rest.endsWith(":") ? rest.substring(0, rest.length() - 1) : rest),
        Optional.empty());
  }

  @Override
  public String toString() {
    return PREFIX + directory + tag.map(t -> ":" + t).orElse("");
  }
}
