/**
 * Retention that never breaks a kept image: which tags stay by the rules, everything they reach
 * kept with them, the rest deleted by digest in an order that never leaves a remaining tag pointing
 * at something gone, over a registry's API or its storage directory.
 */
package dev.registryintegrity.retain;
