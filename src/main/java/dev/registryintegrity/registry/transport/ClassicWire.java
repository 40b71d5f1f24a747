package dev.registryintegrity.registry.transport;

import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The wire on HttpClient 5's classic (blocking) API: pooled connections with the settings'
 * timeouts, proxies and TLS, one message sent and its answer read whole by {@link BodyReader}, so
 * no connection stays leased. Everything HttpClient would do on its own (redirects, retries,
 * cookies, auth caching, decompression) is off: the layers above decide those.
 */
final class ClassicWire implements Wire, AutoCloseable {
  private final CloseableHttpClient client;
  private final PoolingHttpClientConnectionManager pool;

  ClassicWire(TransportSettings settings, SharedTls tls) {
    this.pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(settings.maxConnections())
            .setMaxConnPerRoute(settings.maxConnections())
            .setTlsSocketStrategy(tls.forSockets())
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                    .setSocketTimeout(Timeout.of(settings.readTimeout()))
                    .build())
            .build();
    this.client =
        HttpClients.custom()
            .setConnectionManager(pool)
            .setRoutePlanner(settings.proxies().routePlanner())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(Timeout.of(settings.readTimeout()))
                    .build())
            .build();
  }

  @Override
  public HttpResponse exchange(HttpRequest message, Abort abort) throws IOException {
    HttpUriRequestBase sent = new HttpUriRequestBase(message.method(), message.uri());
    abort.whenFired(sent::cancel);
    Wire.setHeaders(message, sent::setHeader);
    String method = message.method();
    if (message.body().isPresent() && !method.equals("GET") && !method.equals("HEAD")) {
      HttpRequest.Body body = message.body().get();
      sent.setEntity(
          new InputStreamEntity(
              body.opener().open(), body.length(), ContentType.parse(body.contentType())));
    }
    ClassicHttpResponse response;
    try {
      response = client.executeOpen(RoutingSupport.determineHost(sent), sent, null);
    } catch (HttpException e) {
      throw new IOException("protocol error: " + e.getMessage(), e);
    }
    try {
      return read(response, sent, message);
    } finally {
      closeQuietly(response);
    }
  }

  private static HttpResponse read(
      ClassicHttpResponse response, HttpUriRequestBase sent, HttpRequest message) {
    HttpEntity entity = response.getEntity();
    return BodyReader.answer(
        response.getCode(),
        response.getHeaders(),
        message.uri(),
        HttpResponse.HTTP_1_1,
        encoding -> {
          if (entity == null) {
            return BodyReader.Body.EMPTY;
          }
          try {
            return BodyReader.read(
                entity.getContent(), sent::cancel, message, response.getCode(), encoding);
          } catch (IOException e) {
            sent.cancel();
            return BodyReader.Body.brokenOff(0, e);
          }
        });
  }

  /** The answer is in hand; a connection that breaks while being released changes nothing. */
  private static void closeQuietly(ClassicHttpResponse response) {
    try {
      response.close();
    } catch (IOException e) {
      // the connection is discarded either way
    }
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // Closing idle connections of a finished run: nothing to report.
    }
    pool.close();
  }
}
