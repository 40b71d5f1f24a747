/**
 * What a run found, rendered for people and machines: the text report, the JSON report, the
 * Prometheus exposition text, and the one function that makes untrusted text safe to show.
 */
package dev.registryintegrity.report;
