package dev.registryintegrity.registry.transport;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} as Go clients (docker, crane) read
 * them: either case, the lower-case one first; {@code NO_PROXY} entries match a host, its
 * subdomains ({@code example.com} and {@code .example.com} alike), or a host:port; {@code *}
 * disables proxying; loopback never goes through a proxy.
 */
public record ProxySelection(Optional<URI> https, Optional<URI> http, List<String> noProxy) {

  public static ProxySelection fromEnvironment(Map<String, String> env) {
    return new ProxySelection(
        proxy(env, "https_proxy"),
        proxy(env, "http_proxy"),
        Arrays.stream(variable(env, "no_proxy").orElse("").split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .toList());
  }

  public static ProxySelection none() {
    return new ProxySelection(Optional.empty(), Optional.empty(), List.of());
  }

  /** The proxy for a request to {@code scheme://host:port}, if any. */
  public Optional<URI> proxyFor(String scheme, String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]")) {
      return Optional.empty();
    }
    for (String entry : noProxy) {
      if (entry.equals("*") || entry.equals(h) || entry.equals(h + ":" + port)) {
        return Optional.empty();
      }
      String domain = entry.startsWith(".") ? entry.substring(1) : entry;
      if (h.endsWith("." + domain)) {
        return Optional.empty();
      }
    }
    return "https".equals(scheme) ? https : http;
  }

  DefaultRoutePlanner routePlanner() {
    return new DefaultRoutePlanner(null) {
      @Override
      protected HttpHost determineProxy(HttpHost target, HttpContext context) {
        return proxyFor(target.getSchemeName(), target.getHostName(), target.getPort())
            .map(
                uri ->
                    new HttpHost(
                        uri.getScheme() == null ? "http" : uri.getScheme(),
                        uri.getHost(),
                        uri.getPort() == -1
                            ? ("https".equals(uri.getScheme()) ? 443 : 80)
                            : uri.getPort()))
            .orElse(null);
      }
    };
  }

  private static Optional<URI> proxy(Map<String, String> env, String name) {
    return variable(env, name)
        .filter(v -> !v.isBlank())
        .map(v -> URI.create(v.contains("://") ? v : "http://" + v));
  }

  private static Optional<String> variable(Map<String, String> env, String lower) {
    String value = env.get(lower);
    return Optional.ofNullable(value != null ? value : env.get(lower.toUpperCase(Locale.ROOT)));
  }
}
