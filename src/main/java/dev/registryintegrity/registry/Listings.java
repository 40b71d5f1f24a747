package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.registry.transport.RegistryError;
import dev.registryintegrity.registry.transport.RegistryTransport;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The paged listings, catalog and tags, through one paginator: Link followed as given (absolute or
 * relative to its page, never to another server), an empty page ends the walk, a page size the
 * registry refuses is retried smaller.
 */
final class Listings {
  private final RegistryConnection connection;

  /** A catalog of 10,000 pages at the registry's page size is past any real registry. */
  static final int MAX_PAGES = 10_000;

  /**
   * Registries refuse page sizes above their own maximum (ECR: 1000) with 400; these are tried in
   * turn.
   */
  private static final int[] SMALLER_PAGES = {1000, 100};

  Listings(RegistryConnection connection) {
    this.connection = connection;
  }

  /**
   * A paged listing ({@code _catalog}, {@code tags/list}). {@code Link} is followed as given,
   * absolute or relative to the page it came with; an empty page ends the walk (some registries
   * link past their last page); a 400 to the first page is retried with a page size the registry
   * takes (ECR refuses {@code n} above 1000).
   */
  Listing list(String path, int pageSize, String repository, String field) {
    List<String> all = new java.util.ArrayList<>();
    Set<URI> pagesSeen = new java.util.HashSet<>();
    java.util.Deque<Integer> sizes = new java.util.ArrayDeque<>();
    for (int size : SMALLER_PAGES) {
      if (size < pageSize) {
        sizes.add(size);
      }
    }
    URI next = connection.base().resolve(path + "?n=" + pageSize);
    while (next != null && pagesSeen.add(next)) {
      if (pagesSeen.size() > MAX_PAGES) {
        throw new CannotCheckException(
            "registry "
                + connection.registry()
                + " kept sending Link: rel=\"next\" past "
                + MAX_PAGES
                + " pages of "
                + path
                + ": its pagination does not end");
      }
      URI uri = next;
      HttpResponse r =
          connection.send(new HttpRequest("GET", uri, Map.of(), repository, 16 * 1024 * 1024));
      if (r.status() == 400 && pagesSeen.size() == 1 && !sizes.isEmpty()) {
        pagesSeen.clear();
        next = connection.base().resolve(path + "?n=" + sizes.poll());
        continue;
      }
      if (r.status() == 404
          && field.equals("tags")
          && RegistryError.parse(r.body())
              .map(e -> e.code().equals("NAME_UNKNOWN"))
              .orElse(false)) {
        return new Listing(List.of(), Optional.empty());
      }
      if (r.status() == 401 || r.status() == 403 || r.status() == 404) {
        String code = RegistryError.parse(r.body()).map(e -> " " + e.code()).orElse("");
        return new Listing(all, Optional.of(r.status() + code));
      }
      if (r.status() != 200) {
        String code = RegistryError.parse(r.body()).map(e -> " " + e.code()).orElse("");
        throw new CannotCheckException(
            "registry "
                + connection.registry()
                + " answered "
                + r.status()
                + code
                + " to "
                + uri.getPath());
      }
      int before = all.size();
      try {
        com.google.gson.JsonObject json =
            com.google.gson.JsonParser.parseString(
                    new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                .getAsJsonObject();
        if (json.has(field) && json.get(field).isJsonArray()) {
          json.getAsJsonArray(field).forEach(e -> all.add(e.getAsString()));
        }
      } catch (RuntimeException e) {
        throw new CannotCheckException(
            "registry "
                + connection.registry()
                + " answered "
                + uri.getPath()
                + " with something that is not its JSON");
      }
      next =
          all.size() == before
              ? null
              : r.header("link").map(Listings::nextLink).map(l -> resolveLink(uri, l)).orElse(null);
    }
    return new Listing(all, Optional.empty());
  }

  /**
   * A Link target, relative to the page it came with (on the scheme in use now); a malformed one
   * ends the listing there. One that leaves the registry is refused: the registry's credentials
   * would go with it.
   */
  URI resolveLink(URI page, String link) {
    URI current =
        connection
            .base()
            .resolve(
                page.getRawPath() + (page.getRawQuery() == null ? "" : "?" + page.getRawQuery()));
    URI target;
    try {
      // java.net.URI follows RFC 2396, which drops the last path segment for a query-only
      // reference; RFC 3986 (what registries mean by "?last=x") keeps the path.
      target =
          link.startsWith("?")
              ? current.resolve(current.getRawPath() + link)
              : current.resolve(link);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!RegistryTransport.sameOrigin(target, connection.base())) {
      throw new CannotCheckException(
          "registry "
              + connection.registry()
              + " linked its next page to another server ("
              + target.getScheme()
              + "://"
              + target.getAuthority()
              + "): not followed with its credentials");
    }
    return target;
  }

  /** RFC 8288: {@code </v2/_catalog?last=b&n=2>; rel="next"}. */
  static String nextLink(String header) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(",")) {
      int open = part.indexOf('<');
      int close = part.indexOf('>');
      if (open >= 0
          && close > open
          && part.substring(close).replace(" ", "").contains("rel=\"next\"")) {
        return part.substring(open + 1, close).trim();
      }
    }
    return null;
  }

  /**
   * What a paged listing gave: its entries, or the status with which the registry refused it.
   *
   * @param refused "404 NAME_UNKNOWN", "401", "403 DENIED": the listing is not offered
   */
  record Listing(List<String> entries, Optional<String> refused) {}

  /** Every tag of a repository; see {@link RegistryClient#listTags}. */
  List<String> tags(String repository, int pageSize) {
    Listing listing = list("/v2/" + repository + "/tags/list", pageSize, repository, "tags");
    if (listing.refused().isPresent()) {
      throw new CannotCheckException(
          "registry "
              + connection.registry()
              + " answered "
              + listing.refused().get()
              + " to /v2/"
              + repository
              + "/tags/list");
    }
    return listing.entries();
  }
}
