package dev.registryintegrity.walk;

import dev.registryintegrity.model.Deadline;
import dev.registryintegrity.source.ContentSource;

/**
 * What the parts of one {@link Walker} share: where it reads, how much it may ask and what it
 * proves, the gate its requests pass, the run's deadline and the count a progress line reads.
 */
record Walking(
    ContentSource source,
    WalkLimits limits,
    WalkPolicy policy,
    RequestGate gate,
    Deadline deadline,
    Transfer transfer) {}
