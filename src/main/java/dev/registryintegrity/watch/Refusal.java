package dev.registryintegrity.watch;

/**
 * Why a request on an event endpoint was refused: its answer, the reason its counter is labelled
 * with, and what the sender is told (our words only: never a header's value).
 */
record Refusal(int status, String reason, String message) {
  static Refusal unauthorized(String message) {
    return new Refusal(401, "unauthorized", message);
  }
}
