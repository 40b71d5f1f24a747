/**
 * The push receiver: one {@code EventEndpoint} per sender (path, media types, gate, format) taken
 * in the same way by {@code Intake}, a bounded settling queue, {@code VerifyWorkers} that verify
 * each push and retry what could not be checked, a {@code VerdictLedger} that keeps each verdict in
 * the per-tag metrics, the status page, the journal (so nothing accepted is lost) and {@code
 * DeleteTracking}; {@code Receiver} wires them and owns start and stop.
 */
package dev.registryintegrity.watch;
