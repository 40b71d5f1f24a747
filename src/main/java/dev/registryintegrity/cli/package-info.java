/**
 * The command line: one class per command, {@code Main.run} with its injected environment and one
 * mapping of outcomes to exit codes; the only place that ends the process.
 */
package dev.registryintegrity.cli;
