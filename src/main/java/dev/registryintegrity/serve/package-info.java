/**
 * What the probe's server mode and the push receiver share about serving HTTP: binding with a clear
 * error, exact routes with methods enforced, a bound on how long a request may take.
 */
package dev.registryintegrity.serve;
