package dev.registryintegrity.reference;

import dev.registryintegrity.model.InvalidValueException;

/** An image argument: a reference into a registry, or an OCI image layout on disk. */
public sealed interface TargetReference permits ImageReference, LayoutReference {

  /** Parses {@code oci:DIR[:TAG]} or {@code [registry[:port]/]repo[:tag][@digest]}. */
  static TargetReference parse(String argument) {
    if (argument == null || argument.isBlank()) {
      throw new InvalidValueException(
          "empty image reference: give [registry[:port]/]repo[:tag][@digest] or oci:DIR[:TAG]");
    }
    if (argument.startsWith(LayoutReference.PREFIX)) {
      return LayoutReference.parse(argument);
    }
    return ImageReference.parse(argument);
  }
}
