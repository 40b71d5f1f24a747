/**
 * The status page: what a person opens in a browser on {@code probe --listen} or {@code watch} to
 * see the last verdict, what is broken now and where, and every repository's or tag's last check;
 * the same data as JSON. Rendered on the server, with no script and no external asset.
 */
package dev.registryintegrity.status;
