/**
 * registry-integrity: proves that a container image in a registry is fully pullable. This package
 * holds only what every other shares: the exit codes of the contract ({@link
 * dev.registryintegrity.ExitCode}), the two exceptions that reach them (a usage error, a check that
 * could not be made) and the bounded reading of files named by users.
 */
package dev.registryintegrity;
