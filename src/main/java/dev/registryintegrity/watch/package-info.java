/**
 * The push receiver: the registry's notifications in, a bounded settling queue, workers that verify
 * each push, a journal so nothing accepted is lost, and per-tag metrics out.
 */
package dev.registryintegrity.watch;
