package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http2.H2ConnectionException;
import org.apache.hc.core5.http2.H2Error;
import org.apache.hc.core5.http2.H2StreamResetException;
import org.apache.hc.core5.http2.impl.nio.ProtocolNegotiationException;
import org.junit.jupiter.api.Test;

/** When an origin moves to HTTP/1.1 for the rest of the run, and what the note says. */
class ProtocolChoiceTest {
  private static IOException wrapped(Exception cause) {
    return new IOException("request failed", cause);
  }

  @Test
  void anotherProtocolChosenInTheHandshakeMovesTheOriginAndNamesIt() {
    assertEquals(
        Optional.of("does not offer HTTP/2 in its TLS handshake (it chose http/1.1)"),
        ProtocolChoice.refusal(
            wrapped(
                new ProtocolNegotiationException(
                    "ALPN: unexpected application protocol 'http/1.1'")),
            false));
  }

  @Test
  void theServersProtocolNameIsCutToWhatANameHolds() {
    assertEquals(
        Optional.of(
            "does not offer HTTP/2 in its TLS handshake (it chose h2?script??and?a?long?ta)"),
        ProtocolChoice.refusal(
            new ProtocolNegotiationException(
                "ALPN: unexpected application protocol 'h2<script> and a long tail of text'"),
            false));
  }

  @Test
  void aResetAskingForHttp11MovesTheOriginEvenAfterItAnswered() {
    H2StreamResetException reset =
        new H2StreamResetException(H2Error.HTTP_1_1_REQUIRED, "use HTTP/1.1");
    assertEquals(
        Optional.of("asked for HTTP/1.1 (HTTP_1_1_REQUIRED)"), ProtocolChoice.refusal(reset, true));
  }

  @Test
  void aBrokenProtocolOrClosedConnectionMovesTheOriginOnlyBeforeItsFirstAnswer() {
    IOException closed = new ConnectionClosedException("Connection closed");
    IOException broken = new H2ConnectionException(H2Error.FRAME_SIZE_ERROR, "frame too large");
    IOException protocol = new H2StreamResetException(H2Error.PROTOCOL_ERROR, "bad stream");
    assertEquals(
        Optional.of("closed its HTTP/2 connection before answering on it"),
        ProtocolChoice.refusal(closed, false));
    assertEquals(
        Optional.of("broke the HTTP/2 protocol before answering on it"),
        ProtocolChoice.refusal(broken, false));
    assertEquals(
        Optional.of("broke the HTTP/2 protocol before answering on it"),
        ProtocolChoice.refusal(protocol, false));
    for (IOException e : new IOException[] {closed, broken, protocol}) {
      assertEquals(Optional.empty(), ProtocolChoice.refusal(e, true), e.toString());
    }
  }

  @Test
  void anOrdinaryNetworkFailureIsNoRefusal() {
    assertEquals(
        Optional.empty(),
        ProtocolChoice.refusal(new SocketTimeoutException("Read timed out"), false));
    assertEquals(
        Optional.empty(),
        ProtocolChoice.refusal(new H2StreamResetException(H2Error.CANCEL, "cancelled"), false));
  }
}
