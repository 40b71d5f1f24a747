/**
 * The Woodpecker plugin: PLUGIN_* settings read and validated once, the step's header, and the
 * verify run with the report where a later step can read it.
 */
package dev.registryintegrity.plugin;
