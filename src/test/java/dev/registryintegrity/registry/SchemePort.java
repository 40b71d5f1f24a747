package dev.registryintegrity.registry;

import dev.registryintegrity.fixture.TestPki;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A loopback port that speaks one scheme and meets the other as a registry's port does. A TLS port,
 * certified by a test CA, meets a plain-HTTP request with Go's 400 "Client sent an HTTP request to
 * an HTTPS server", or by hanging up; a plain port meets a TLS hello as Go's net/http does, at once
 * with a plain 400, where a stricter server would wait for a request line that never comes. Every
 * request in the port's own scheme is answered 200.
 */
final class SchemePort implements AutoCloseable {
  /** What a TLS port does with a plain-HTTP request. */
  enum PlainHttp {
    GO_400,
    HANG_UP
  }

  private final ServerSocket socket;

  /** Null for a plain port. */
  private final SSLContext tls;

  private final PlainHttp plain;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  static SchemePort tls(TestPki pki, PlainHttp plain) throws Exception {
    return new SchemePort(pki.serverContext(), plain);
  }

  static SchemePort plain() throws Exception {
    return new SchemePort(null, null);
  }

  private SchemePort(SSLContext tls, PlainHttp plain) throws Exception {
    this.tls = tls;
    this.plain = plain;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket connection = socket.accept();
                  Thread.ofVirtual().start(() -> serve(connection));
                } catch (IOException closed) {
                  return;
                }
              }
            });
  }

  private void serve(Socket connection) {
    try (connection) {
      PushbackInputStream in = new PushbackInputStream(connection.getInputStream(), 1);
      int first = in.read();
      if (first == 0x16 && tls == null) {
        seen.add("tls hello");
        write(
            connection.getOutputStream(),
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request");
        return;
      }
      if (first == 0x16) {
        // A TLS handshake record: hand the connection, first byte included, to the TLS server.
        try (Socket secure =
            tls.getSocketFactory()
                .createSocket(connection, new ByteArrayInputStream(new byte[] {0x16}), true)) {
          // A server of today's: it answers ALPN, and offers HTTP/1.1 only.
          javax.net.ssl.SSLSocket alpn = (javax.net.ssl.SSLSocket) secure;
          javax.net.ssl.SSLParameters parameters = alpn.getSSLParameters();
          parameters.setApplicationProtocols(new String[] {"http/1.1"});
          alpn.setSSLParameters(parameters);
          seen.add("https " + requestLine(secure.getInputStream()));
          write(
              secure.getOutputStream(),
              "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
        return;
      }
      in.unread(first);
      seen.add("http " + requestLine(in));
      if (tls == null) {
        write(
            connection.getOutputStream(),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
      } else if (plain == PlainHttp.GO_400) {
        write(
            connection.getOutputStream(),
            "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n");
      }
    } catch (IOException e) {
      // the client hung up
    }
  }

  private static String requestLine(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        break;
      }
    }
    return head.toString(StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
  }

  private static void write(OutputStream out, String answer) throws IOException {
    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  String host() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** "http GET /v2/... HTTP/1.1", "https GET ..." or "tls hello", in order of arrival. */
  List<String> seen() {
    return List.copyOf(seen);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
