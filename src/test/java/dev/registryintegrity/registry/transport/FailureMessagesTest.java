package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registryintegrity.model.Spelling;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every failure line the transport writes, word for word: users and scripts read them. */
class FailureMessagesTest {
  private static final URI URI_ = URI.create("https://reg.example:5000/v2/team/app/manifests/v1");
  private static final FailureMessages CLI = new FailureMessages(Spelling.CLI);
  private static final FailureMessages PLUGIN = new FailureMessages(Spelling.PLUGIN);

  static Stream<Arguments> failedExchanges() {
    return Stream.of(
        Arguments.of(
            CLI,
            new UnknownHostException("reg.example"),
            3,
            "cannot resolve registry host reg.example: check the name and DNS"),
        Arguments.of(
            CLI,
            new SSLHandshakeException(
                "PKIX path building failed: sun.security.provider.certpath"
                    + ".SunCertPathBuilderException: unable to find valid certification path"),
            0,
            "TLS handshake with reg.example failed: the registry's certificate is not signed by a"
                + " CA this machine trusts (use --ca-cert for a private CA, or --plain-http for a"
                + " plain-HTTP registry)"),
        Arguments.of(
            CLI,
            new SSLHandshakeException(
                "(certificate_unknown) PKIX path validation failed: Path does not chain with any"
                    + " of the trust anchors"),
            0,
            "TLS handshake with reg.example failed: the registry's certificate is not signed by a"
                + " CA this machine trusts (use --ca-cert for a private CA, or --plain-http for a"
                + " plain-HTTP registry)"),
        Arguments.of(
            PLUGIN,
            new SSLHandshakeException("No subject alternative names matching IP address found"),
            0,
            "TLS handshake with reg.example failed: No subject alternative names matching IP"
                + " address found (use the ca_cert setting for a private CA, or the plain_http"
                + " setting for a plain-HTTP registry)"),
        Arguments.of(
            CLI,
            new SSLException("javax.net.ssl.SSLException: Unsupported or unrecognized SSL message"),
            0,
            "TLS error talking to reg.example: Unsupported or unrecognized SSL message (a"
                + " plain-HTTP registry needs --plain-http)"),
        Arguments.of(
            CLI,
            new ConnectException("Connection refused"),
            0,
            "cannot connect to https://reg.example:5000: connection refused (is the registry"
                + " running, and is the host and port right?)"),
        Arguments.of(
            CLI,
            new ConnectException("Connection refused"),
            3,
            "cannot connect to https://reg.example:5000 after 4 attempts: connection refused (is"
                + " the registry running, and is the host and port right?)"),
        Arguments.of(
            CLI,
            new NoRouteToHostException("No route to host"),
            1,
            "cannot connect to https://reg.example:5000 after 2 attempts: No route to host (is the"
                + " registry running, and is the host and port right?)"),
        Arguments.of(
            CLI,
            new SocketTimeoutException("Read timed out"),
            3,
            "registry reg.example did not answer in time after 4 attempts (no data within the read"
                + " timeout)"),
        // HttpClient's ConnectTimeoutException is a SocketTimeoutException too; it is said as
        // what it is.
        Arguments.of(
            CLI,
            new ConnectTimeoutException("Connect to reg.example:5000 timed out"),
            0,
            "registry reg.example did not answer in time (connect timeout)"),
        Arguments.of(
            CLI,
            new ExchangeGuard.CutOff("the answer took longer than 60 s in all"),
            0,
            "registry reg.example: the answer took longer than 60 s in all"),
        Arguments.of(
            CLI,
            new Redirects.RedirectLoop("more than 5 redirects from /v2/x (a redirect loop)"),
            0,
            "registry reg.example: more than 5 redirects from /v2/x (a redirect loop)"),
        Arguments.of(
            CLI,
            new NoHttpResponseException("reg.example:5000 failed to respond"),
            2,
            "registry reg.example closed the connection without answering after 3 attempts"),
        Arguments.of(
            CLI,
            new IOException("protocol error: bad status line", new HttpException("bad line")),
            0,
            "registry reg.example sent an answer that is not valid HTTP"),
        Arguments.of(
            CLI,
            new java.io.EOFException("unexpected end"),
            3,
            "request to reg.example failed after 4 attempts (EOFException)"));
  }

  @ParameterizedTest
  @MethodSource("failedExchanges")
  void aFailedExchangeIsOneLineInTheUsersOwnWords(
      FailureMessages messages, IOException failure, int retries, String expected) {
    assertEquals(expected, messages.describe("reg.example", URI_, failure, retries));
  }

  private static HttpRequest request(String actions) {
    HttpRequest read = new HttpRequest("GET", URI_, Map.of(), "team/app", 1024);
    return actions.equals(HttpRequest.PUSH) ? read.forPush() : read;
  }

  private static HttpResponse answer(int status, String body) {
    return new HttpResponse(
        status, Map.of(), body.getBytes(StandardCharsets.UTF_8), false, URI_, List.of());
  }

  static Stream<Arguments> refusals() {
    String denied = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access denied\"}]}";
    return Stream.of(
        Arguments.of(
            401,
            HttpRequest.PULL,
            "",
            "registry reg.example refused user 'ci' from --password (401): check the username and"
                + " password",
            false),
        Arguments.of(
            401,
            HttpRequest.PUSH,
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}",
            "registry reg.example refused user 'ci' from --password (401 UNAUTHORIZED): it needs"
                + " push rights on team/app (token scope repository:team/app:pull,push); check the"
                + " username and password and the user's permissions",
            true),
        Arguments.of(
            403,
            HttpRequest.PULL,
            denied,
            "registry reg.example denied user 'ci' from --password access to team/app (403"
                + " DENIED): the credential needs pull rights on that repository",
            false),
        Arguments.of(
            403,
            HttpRequest.PUSH,
            "not json",
            "registry reg.example denied user 'ci' from --password access to team/app (403): the"
                + " credential needs push rights on that repository (token scope"
                + " repository:team/app:pull,push)",
            true));
  }

  @ParameterizedTest
  @MethodSource("refusals")
  void aRefusalSaysWhichRightsTheCredentialLacks(
      int status, String actions, String body, String expected, boolean write) {
    HttpRequest request = request(actions);
    HttpResponse response = answer(status, body);
    String credential = "user 'ci' from --password";
    AccessRefusedException refused =
        status == 401
            ? CLI.unauthorized("reg.example", credential, request, response)
            : CLI.forbidden("reg.example", credential, request, response);
    assertEquals(expected, refused.getMessage());
    assertEquals(status, refused.status());
    assertEquals(write, refused.write());
  }

  @Test
  void aLibrarysExceptionClassNamesNeverReachTheUser() {
    assertEquals(
        "Received fatal alert: handshake_failure",
        FailureMessages.plain(
            new SSLException(
                "javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure")));
    assertEquals(
        "the registry's certificate is not signed by a CA this machine trusts",
        FailureMessages.plain(
            new SSLException("unable to find valid certification path to requested target")));
    assertEquals("null", FailureMessages.plain(new IOException()));
  }
}
