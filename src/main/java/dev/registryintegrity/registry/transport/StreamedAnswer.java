package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * One request on an HTTP/2 connection, its answer handed to the thread that asked: the head as soon
 * as it comes, the body as a stream that thread reads at its own pace. The stream's flow-control
 * window is given back only as bytes are read, so a slow reader holds at most a window of one
 * answer in memory, and the read timeout applies to each wait for data, as on a socket.
 */
final class StreamedAnswer implements AsyncClientExchangeHandler {
  /** Marks the end of the body in the queue. */
  private static final byte[] END = new byte[0];

  private static final long POLL_MILLIS = 100;

  private final org.apache.hc.core5.http.HttpRequest request;
  private final Duration readTimeout;
  private final CompletableFuture<Head> head = new CompletableFuture<>();
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private CapacityChannel capacity;

  /** Bytes read before the stream asked for capacity: owed to it when it does. */
  private long owed;

  /** When the request went out (System.nanoTime), 0 until then: the read timeout starts there. */
  private volatile long sentAt;

  private volatile IOException failure;
  private volatile boolean ended;
  private long declared = -1;
  private long received;

  /** The status and headers, the body still to come. */
  record Head(int status, Header[] headers, boolean hasBody) {}

  StreamedAnswer(org.apache.hc.core5.http.HttpRequest request, Duration readTimeout) {
    this.request = request;
    this.readTimeout = readTimeout;
  }

  /**
   * Waits for the status and headers: at most the read timeout once the request is sent, as for a
   * socket's first byte. Connecting, the handshake and a wait for a free stream are bounded by the
   * connect timeout and the exchange guard, not by this.
   */
  Head head() throws IOException {
    try {
      while (true) {
        long sent = sentAt;
        long left =
            sent == 0
                ? POLL_MILLIS
                : readTimeout.toMillis() - (System.nanoTime() - sent) / 1_000_000;
        if (left <= 0) {
          throw new SocketTimeoutException("no answer within the read timeout");
        }
        try {
          return head.get(Math.min(left, POLL_MILLIS), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // sent since, or still waiting: look again
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the answer");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** The body, read by the asking thread; a failure of the stream ends it with that failure. */
  InputStream body() {
    return new InputStream() {
      private byte[] chunk = new byte[0];
      private int at;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
          return 0;
        }
        while (at == chunk.length) {
          if (chunk == END) {
            return -1;
          }
          byte[] next = END;
          try {
            next = next();
          } finally {
            chunk = next;
            at = 0;
          }
        }
        int n = Math.min(length, chunk.length - at);
        System.arraycopy(chunk, at, into, offset, n);
        at += n;
        credit(n);
        return n;
      }
    };
  }

  /** Gives the stream back {@code n} bytes of window, or owes them until it asks. */
  private void credit(int n) throws IOException {
    CapacityChannel channel;
    synchronized (this) {
      channel = capacity;
      if (channel == null) {
        owed += n;
        return;
      }
    }
    channel.update(n);
  }

  private byte[] next() throws IOException {
    byte[] next;
    try {
      next = chunks.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the answer");
    }
    if (next == null) {
      throw new SocketTimeoutException("no data within the read timeout");
    }
    if (next == END && failure != null) {
      throw failure;
    }
    return next;
  }

  /** The server ended the stream before the body its Content-Length announced. */
  static final class EndedEarly extends IOException {
    private static final long serialVersionUID = 1L;

    EndedEarly(long received, long declared) {
      super("the stream ended after " + received + " of " + declared + " bytes");
    }
  }

  @Override
  public void produceRequest(RequestChannel channel, HttpContext context)
      throws HttpException, IOException {
    channel.sendRequest(request, null, context);
    sentAt = System.nanoTime();
  }

  @Override
  public int available() {
    return 0;
  }

  @Override
  public void produce(DataStreamChannel channel) {
    // Requests on this wire carry no body.
  }

  @Override
  public void consumeInformation(HttpResponse response, HttpContext context) {
    // 1xx answers say nothing the request needs.
  }

  @Override
  public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context) {
    if (entity != null) {
      declared = declaredLength(response);
    }
    head.complete(new Head(response.getCode(), response.getHeaders(), entity != null));
    if (entity == null) {
      chunks.add(END);
    }
  }

  /** Content-Length as sent, or -1 when there is none to hold the stream to. */
  private static long declaredLength(HttpResponse response) {
    Header length = response.getFirstHeader("Content-Length");
    try {
      return length == null ? -1 : Long.parseLong(length.getValue().trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void updateCapacity(CapacityChannel channel) throws IOException {
    long due;
    synchronized (this) {
      capacity = channel;
      due = owed;
      owed = 0;
    }
    if (due > 0) {
      channel.update((int) Math.min(due, Integer.MAX_VALUE));
    }
  }

  @Override
  public void consume(ByteBuffer data) {
    byte[] copy = new byte[data.remaining()];
    data.get(copy);
    received += copy.length;
    chunks.add(copy);
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) {
    if (declared >= 0 && received < declared && !request.getMethod().equals("HEAD")) {
      // HTTP/2 ends a stream as readily as it ends a body: the length says which this was.
      failed(new EndedEarly(received, declared));
      return;
    }
    ended = true;
    chunks.add(END);
  }

  @Override
  public void failed(Exception cause) {
    if (ended) {
      return;
    }
    IOException e =
        ownTimeout(cause)
            // HttpCore's socket timeout, which it ends a silent stream with, is the read timeout
            // this class keeps too; whichever fires first, the answer says the same.
            ? new SocketTimeoutException("no data within the read timeout")
            : cause instanceof IOException io ? io : new IOException(cause);
    failure = e;
    head.completeExceptionally(e);
    chunks.add(END);
  }

  private static boolean ownTimeout(Exception cause) {
    return cause instanceof org.apache.hc.core5.http2.H2StreamResetException
        && String.valueOf(cause.getMessage()).contains("Timeout");
  }

  @Override
  public void cancel() {
    failed(new InterruptedIOException("the exchange was cancelled"));
  }

  @Override
  public void releaseResources() {
    // Nothing held: the queue goes with this object.
  }
}
