/**
 * Healing: a broken image's missing manifests and blobs put back by digest from wherever they
 * survive (another registry or repository, an OCI layout, a storage backup), every digest kept,
 * nothing deleted and no tag touched.
 */
package dev.registryintegrity.heal;
