package dev.registryintegrity.registry;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * Which scheme a registry speaks, decided once. A loopback registry may speak plain HTTP or TLS
 * (docker treats 127.0.0.0/8 as insecure), so its first exchange asks over plain HTTP and what
 * comes back settles the base address for good: a TLS server (a plain request refused, or Go's 400
 * "HTTP request to an HTTPS server") means HTTPS, any other answer plain HTTP. Given a CA
 * certificate, the user expects TLS: then HTTPS is asked first, and a server that answers the TLS
 * hello with plain HTTP (as Go's does, at once) is asked over plain HTTP. Requests arriving
 * meanwhile wait for that outcome instead of racing it, so no request is switched mid-walk; an
 * exchange that fails without showing the scheme (nothing listening, a timeout) settles nothing,
 * and the next request asks again.
 */
final class SchemeDecision {
  private final String registry;
  private final URI first;

  /** HTTPS is asked first (a CA certificate was given), plain HTTP otherwise. */
  private final boolean tlsFirst;

  private final Optional<URI> otherwise;
  private final Spelling spelling;

  /** Completed once, with the base every request uses from then on. */
  private final CompletableFuture<Decided> decided = new CompletableFuture<>();

  /** One exchange at a time asks while the scheme is open; the others queue behind it. */
  private final ReentrantLock asking = new ReentrantLock();

  /**
   * @param note what the report says about how the scheme was found, if it was looked for
   */
  private record Decided(URI base, Optional<String> note) {}

  private SchemeDecision(String registry, URI first, Optional<URI> otherwise, Spelling spelling) {
    this.registry = registry;
    this.first = first;
    this.tlsFirst = "https".equals(first.getScheme());
    this.otherwise = otherwise;
    this.spelling = spelling;
    if (otherwise.isEmpty()) {
      decided.complete(new Decided(first, Optional.empty()));
    }
  }

  /** A scheme known from the start: {@code base} is used as it is. */
  static SchemeDecision known(String registry, URI base, Spelling spelling) {
    return new SchemeDecision(registry, base, Optional.empty(), spelling);
  }

  /** Open: {@code first} is asked, and {@code otherwise} used when it turns out to speak TLS. */
  static SchemeDecision open(String registry, URI first, URI otherwise, Spelling spelling) {
    return new SchemeDecision(registry, first, Optional.of(otherwise), spelling);
  }

  /** Where the registry's API answers: the decided base, or the one to ask first until then. */
  URI base() {
    return decided.isDone() ? decided.join().base() : first;
  }

  /** Which scheme the registry turned out to speak, said once in the report. */
  Optional<String> note() {
    return decided.isDone() ? decided.join().note() : Optional.empty();
  }

  /**
   * Sends {@code request} through {@code exchange} on the decided scheme; while the scheme is open,
   * one request at a time decides it and the others wait. A request built on the scheme that lost
   * is sent on the one that won.
   */
  HttpResponse send(HttpRequest request, Function<HttpRequest, HttpResponse> exchange) {
    if (!decided.isDone()) {
      asking.lock();
      try {
        if (!decided.isDone()) {
          return ask(request, exchange);
        }
      } finally {
        asking.unlock();
      }
    }
    return sendDecided(request, exchange);
  }

  private HttpResponse ask(HttpRequest request, Function<HttpRequest, HttpResponse> exchange) {
    HttpRequest asked = rebased(request, first);
    HttpResponse response;
    try {
      response = exchange.apply(asked);
    } catch (CannotCheckException e) {
      if (tlsFirst ? !plainAnswerToTls(e) : !refusedPlainHttp(e)) {
        throw e;
      }
      return switchOver(asked, exchange);
    }
    if (!tlsFirst && tlsPort(response)) {
      return switchOver(asked, exchange);
    }
    decided.complete(new Decided(first, Optional.of(note(first))));
    return response;
  }

  /** Settles on the other scheme and sends {@code request} there. */
  private HttpResponse switchOver(
      HttpRequest request, Function<HttpRequest, HttpResponse> exchange) {
    URI other = otherwise.orElseThrow();
    decided.complete(new Decided(other, Optional.of(note(other))));
    return sendDecided(request.withUri(other.resolve(pathAndQuery(request.uri()))), exchange);
  }

  /** What the report says: the scheme {@code settled} on, and how it was found. */
  private String note(URI settled) {
    boolean tls = "https".equals(settled.getScheme());
    String how =
        tlsFirst
            ? "a loopback address given "
                + spelling.caCert()
                + (tls ? ": TLS is tried first" : ": TLS was tried first")
                + ", then plain HTTP"
            : tls
                ? "a loopback address: plain HTTP was refused, TLS verified as anywhere"
                : "a loopback address: plain HTTP is tried first, then HTTPS";
    return "registry "
        + registry
        + (tls ? " speaks HTTPS (" : " answered plain HTTP (")
        + how
        + ")";
  }

  private HttpResponse sendDecided(
      HttpRequest request, Function<HttpRequest, HttpResponse> exchange) {
    HttpResponse response = exchange.apply(rebased(request, decided.join().base()));
    if (tlsPort(response)) {
      throw new CannotCheckException(
          "registry "
              + registry
              + " speaks TLS on this port: it answered plain HTTP with 400"
              + " \"Client sent an HTTP request to an HTTPS server\" (drop "
              + spelling.plainHttp()
              + ")");
    }
    return response;
  }

  /** A request built on the other scheme's base, moved onto {@code base}; others as they are. */
  private static HttpRequest rebased(HttpRequest request, URI base) {
    URI uri = request.uri();
    if (uri.getScheme().equals(base.getScheme())
        || !uri.getRawAuthority().equals(base.getRawAuthority())) {
      return request;
    }
    return request.withUri(base.resolve(pathAndQuery(uri)));
  }

  private static String pathAndQuery(URI uri) {
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** Go's net/http (the registry's own server) answers plain HTTP on a TLS port so. */
  private static boolean tlsPort(HttpResponse response) {
    return response.status() == 400
        && new String(response.body(), StandardCharsets.UTF_8)
            .contains("HTTP request to an HTTPS server");
  }

  /**
   * A server that answered a TLS hello with something that is not TLS: a plain-HTTP server (Go's
   * answers its 400 at once).
   */
  private static boolean plainAnswerToTls(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException
          && String.valueOf(t.getMessage()).contains("nrecognized SSL message")) {
        return true;
      }
    }
    return false;
  }

  /** A server that is there but hung up on plain HTTP: a TLS server reading an HTTP request. */
  private static boolean refusedPlainHttp(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof SocketTimeoutException) {
        return false;
      }
      if (t instanceof NoHttpResponseException
          || t instanceof SocketException
          || t instanceof ConnectionClosedException) {
        return true;
      }
    }
    return false;
  }
}
