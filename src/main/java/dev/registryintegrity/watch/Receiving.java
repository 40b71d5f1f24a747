package dev.registryintegrity.watch;

import java.time.Clock;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What the receiver's parts share: the queue of accepted checks, the verdicts and delete tracking,
 * the metrics, the journal, the clock, the log, and whether the receiver is stopping.
 */
record Receiving(
    PushQueue queue,
    VerdictLedger ledger,
    DeleteTracking tracking,
    WatchMetrics metrics,
    Optional<Journal> journal,
    Clock clock,
    WatchLog log,
    BooleanSupplier stopping) {}
