/**
 * Image references as users write them: Docker's normalisation of {@code
 * [registry[:port]/]repo[:tag][@digest]} and {@code oci:DIR[:TAG]} for OCI layouts on disk.
 */
package dev.registryintegrity.reference;
