/**
 * Where a registry's storage lives, as distribution's storage drivers see it: a tree of files under
 * a root, on a disk ({@link dev.registryintegrity.storage.driver.FileDriver}) or in a bucket
 * ({@code storage.s3}). Knows nothing of what the files mean.
 */
package dev.registryintegrity.storage.driver;
