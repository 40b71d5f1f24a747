/**
 * Verifying a list of images: one source and one walker per registry or layout, all images walked
 * at once, one report in the order the user named them.
 */
package dev.registryintegrity.verify;
