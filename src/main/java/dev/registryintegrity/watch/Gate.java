package dev.registryintegrity.watch;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How one sender proves it is who it says: from its headers and, for an HMAC, the payload. A secret
 * is compared in constant time: how much of a guess matched must not show in how long the answer
 * takes.
 */
@FunctionalInterface
interface Gate {
  /** Empty when the sender passes. */
  Optional<Refusal> check(Headers headers, byte[] payload);

  /**
   * The gate {@code secret} makes, or, when the receiver was started without the secret, one that
   * refuses every request naming the {@code option} that would turn the endpoint on.
   */
  static Gate requiring(Optional<String> secret, String option, Function<String, Gate> gate) {
    Optional<Refusal> off =
        Optional.of(
            Refusal.unauthorized("this receiver was started without " + option + ": endpoint off"));
    return secret.map(gate).orElse((headers, payload) -> off);
  }

  /** The header {@code name} is exactly one of {@code accepted}. */
  static Gate header(String name, List<String> accepted) {
    List<byte[]> expected = accepted.stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
    Optional<Refusal> refused = Optional.of(Refusal.unauthorized("unauthorized"));
    return (headers, payload) -> {
      String given = headers.getFirst(name);
      if (given == null) {
        return refused;
      }
      byte[] bytes = given.getBytes(StandardCharsets.UTF_8);
      for (byte[] e : expected) {
        if (MessageDigest.isEqual(bytes, e)) {
          return Optional.empty();
        }
      }
      return refused;
    };
  }

  /**
   * The hex HMAC-SHA256 of the payload under {@code secret}, as {@code signature} finds it in the
   * headers (null: none); {@code refused} says what a mismatch is told.
   */
  static Gate hmac(String secret, Function<Headers, String> signature, String refused) {
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    Optional<Refusal> refusal = Optional.of(Refusal.unauthorized(refused));
    return (headers, payload) ->
        Webhooks.signed(payload, key, signature.apply(headers)) ? Optional.empty() : refusal;
  }
}
