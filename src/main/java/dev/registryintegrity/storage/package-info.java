/**
 * A distribution registry's filesystem storage read offline: fsck (what the HTTP API would 404 on),
 * repair of links whose bytes survive, and the reference closure a retention script keeps.
 */
package dev.registryintegrity.storage;
