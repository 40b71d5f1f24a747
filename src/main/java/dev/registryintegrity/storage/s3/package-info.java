/**
 * distribution's s3 storage driver's tree read and written through S3's API (the AWS SDK for Java
 * v2): {@code s3://BUCKET/ROOTDIRECTORY} roots, AWS's standard settings, S3's refusals as one line.
 * Loaded only for such a root.
 */
package dev.registryintegrity.storage.s3;
