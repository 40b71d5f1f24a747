package dev.registryintegrity.watch;

import dev.registryintegrity.model.Digest;
import java.util.Optional;

/**
 * One entry of distribution's notification envelope, reduced to what a check needs. Every field
 * came from the network and was validated on the way in: the repository is a valid name, the digest
 * parses, the tag is a valid tag.
 *
 * @param action "push", "delete", "pull", "mount" (others are ignored)
 * @param manifest the target is a manifest (by its media type), not a blob
 */
public record Event(
    String action,
    String repository,
    Optional<String> tag,
    Optional<Digest> digest,
    boolean manifest) {}
