/**
 * Where a registry's credentials come from, in Docker's order: the command line or settings, the
 * docker config (auths, credential helpers, credsStore), DOCKER_AUTH_CONFIG. Behind one store, so
 * the transport asks for "a credential for this registry" and never reads a file.
 */
package dev.registryintegrity.registry.credentials;
