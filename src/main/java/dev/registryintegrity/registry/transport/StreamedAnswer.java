package dev.registryintegrity.registry.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private final org.apache.hc.core5.http.HttpRequest request;
  private final Duration readTimeout;
  private final CompletableFuture<Head> head = new CompletableFuture<>();
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private volatile CapacityChannel capacity;
  private volatile IOException failure;
  private volatile boolean ended;
  private long declared = -1;
  private long received;

  /** The status and headers, the body still to come. */
  record Head(int status, Map<String, List<String>> headers, boolean hasBody) {}

  StreamedAnswer(org.apache.hc.core5.http.HttpRequest request, Duration readTimeout) {
    this.request = request;
    this.readTimeout = readTimeout;
  }

  /** Waits for the status and headers: at most the read timeout, as for a socket's first byte. */
  Head head() throws IOException {
    try {
      return head.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new SocketTimeoutException("no answer within the read timeout");
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
          chunk = next();
          at = 0;
        }
        int n = Math.min(length, chunk.length - at);
        System.arraycopy(chunk, at, into, offset, n);
        at += n;
        CapacityChannel channel = capacity;
        if (channel != null) {
          channel.update(n);
        }
        return n;
      }
    };
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
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Header h : response.getHeaders()) {
      headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
    }
    if (entity != null) {
      declared = declaredLength(response);
    }
    head.complete(new Head(response.getCode(), headers, entity != null));
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
  public void updateCapacity(CapacityChannel channel) {
    this.capacity = channel;
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
    IOException e = cause instanceof IOException io ? io : new IOException(cause);
    failure = e;
    head.completeExceptionally(e);
    chunks.add(END);
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
