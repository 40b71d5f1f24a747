package dev.registryintegrity.registry.transport;

import dev.registryintegrity.model.Spelling;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * What the transport says when a request ends without an answer to return: the registry's 401 and
 * 403 refusals (what the credential lacks, the token scope a write needs) and a failed exchange in
 * one line of our words. One place, because users and tests rely on the wording, whichever layer
 * ends the request.
 */
final class FailureMessages {
  private final Spelling spelling;

  FailureMessages(Spelling spelling) {
    this.spelling = spelling;
  }

  /**
   * The registry answered 401 again after its challenge was answered.
   *
   * @param credential the credential in words ("user 'ci' from --password"), never the secret
   */
  AccessRefusedException unauthorized(
      String registry, String credential, HttpRequest request, HttpResponse response) {
    String repository = request.repository();
    String said = "registry " + registry + " refused " + credential + " (401" + errorCode(response);
    if (request.actions().equals(HttpRequest.PULL)) {
      return refused(request, 401, said + "): check the username and password");
    }
    return refused(
        request,
        401,
        said
            + "): it needs "
            + rights(request)
            + " on "
            + repository
            + scope(request)
            + "; check the username and password and the user's permissions");
  }

  /** The registry answered 403: the credential is known and lacks the rights. */
  AccessRefusedException forbidden(
      String registry, String credential, HttpRequest request, HttpResponse response) {
    String repository = request.repository();
    boolean read = request.actions().equals(HttpRequest.PULL);
    return refused(
        request,
        403,
        "registry "
            + registry
            + " denied "
            + credential
            + " access to "
            + repository
            + " (403"
            + errorCode(response)
            + "): the credential needs "
            + rights(request)
            + " on that repository"
            + (read ? "" : scope(request)));
  }

  /** A refusal; a write or a delete says so, for callers that treat those apart. */
  private static AccessRefusedException refused(HttpRequest request, int status, String message) {
    return new AccessRefusedException(status, message, !request.actions().equals(HttpRequest.PULL));
  }

  /** What the request needs the credential to allow, in words. */
  private static String rights(HttpRequest request) {
    return switch (request.actions()) {
      case HttpRequest.PUSH -> "push rights";
      case HttpRequest.DELETE -> "delete rights";
      default -> "pull rights";
    };
  }

  /** The token scope the request needs, as the registry's token service grants it. */
  private static String scope(HttpRequest request) {
    return " (token scope repository:" + request.repository() + ":" + request.actions() + ")";
  }

  private static String errorCode(HttpResponse response) {
    return RegistryError.parse(response.body()).map(e -> " " + e.code()).orElse("");
  }

  /**
   * A failed exchange in one line: what went wrong, where, and what the user can do about it.
   *
   * @param retries how many times the request was sent again before giving up
   */
  String describe(String registry, URI uri, IOException e, int retries) {
    String after = retries > 0 ? " after " + (retries + 1) + " attempts" : "";
    if (e instanceof UnknownHostException) {
      return "cannot resolve registry host " + uri.getHost() + ": check the name and DNS";
    }
    if (e instanceof SSLHandshakeException) {
      return "TLS handshake with "
          + registry
          + " failed: "
          + plain(e)
          + " (use "
          + spelling.caCert()
          + " for a private CA, or "
          + spelling.plainHttp()
          + " for a plain-HTTP registry)";
    }
    if (e instanceof SSLException) {
      return "TLS error talking to "
          + registry
          + ": "
          + plain(e)
          + " (a plain-HTTP registry needs "
          + spelling.plainHttp()
          + ")";
    }
    if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      return "cannot connect to "
          + uri.getScheme()
          + "://"
          + uri.getAuthority()
          + after
          + ": "
          + (e instanceof ConnectException ? "connection refused" : plain(e))
          + " (is the registry running, and is the host and port right?)";
    }
    if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
      return "registry "
          + registry
          + " did not answer in time"
          + after
          // HttpClient's connect timeout is a SocketTimeoutException too: ask for it first.
          + (e instanceof ConnectTimeoutException
              ? " (connect timeout)"
              : " (no data within the read timeout)");
    }
    if (e instanceof ExchangeGuard.CutOff || e instanceof Redirects.RedirectLoop) {
      return "registry " + registry + ": " + e.getMessage();
    }
    if (e instanceof NoHttpResponseException
        || e instanceof org.apache.hc.core5.http.ConnectionClosedException) {
      return "registry " + registry + " closed the connection without answering" + after;
    }
    if (e instanceof org.apache.hc.core5.http2.H2StreamResetException reset) {
      return "registry "
          + registry
          + " reset the request's HTTP/2 stream"
          + after
          + " ("
          + org.apache.hc.core5.http2.H2Error.getByCode(reset.getCode())
          + ")";
    }
    if (e.getClass().getPackageName().startsWith("org.apache.hc.core5.http2")) {
      return "registry " + registry + " broke the HTTP/2 protocol" + after;
    }
    if (e.getCause() instanceof HttpException) {
      return "registry " + registry + " sent an answer that is not valid HTTP" + after;
    }
    return "request to " + registry + " failed" + after + " (" + e.getClass().getSimpleName() + ")";
  }

  /**
   * A library's message in our words: no exception class names ("...SunCertPathBuilderException:
   * unable to find valid certification path"), and the certificate-path failure said plainly.
   */
  static String plain(Throwable e) {
    if (TlsSettings.noChainToAnAnchor(e)) {
      return "the registry's certificate is not signed by a CA this machine trusts";
    }
    return String.valueOf(e.getMessage())
        .replaceAll("(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ?", "")
        .trim();
  }
}
