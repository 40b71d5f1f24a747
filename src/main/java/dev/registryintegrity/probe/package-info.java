/**
 * The registry-wide probe: every repository and tag walked on a schedule, the result exported as
 * Prometheus metrics (textfile, Pushgateway, or served by its own HTTP server).
 */
package dev.registryintegrity.probe;
