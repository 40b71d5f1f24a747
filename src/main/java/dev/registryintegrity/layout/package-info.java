/**
 * An OCI image layout on disk ({@code oci:DIR[:TAG]}) as a {@link
 * dev.registryintegrity.source.ContentSource}.
 */
package dev.registryintegrity.layout;
