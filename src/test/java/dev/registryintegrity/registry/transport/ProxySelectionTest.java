package dev.registryintegrity.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxySelectionTest {
  private final ProxySelection proxies =
      ProxySelection.fromEnvironment(
          Map.of(
              "HTTPS_PROXY", "http://proxy.corp:3128",
              "http_proxy", "proxy.corp:8080",
              "NO_PROXY", "internal.example, .svc.cluster.local,registry.lan:5000"));

  @Test
  void httpsAndHttpTargetsUseTheirOwnProxy() {
    assertEquals(
        Optional.of(URI.create("http://proxy.corp:3128")),
        proxies.proxyFor("https", "ghcr.io", 443));
    assertEquals(
        Optional.of(URI.create("http://proxy.corp:8080")), proxies.proxyFor("http", "ghcr.io", 80));
  }

  @Test
  void noProxyMatchesHostsSubdomainsAndHostPort() {
    assertEquals(Optional.empty(), proxies.proxyFor("https", "internal.example", 443));
    assertEquals(Optional.empty(), proxies.proxyFor("https", "reg.internal.example", 443));
    assertEquals(Optional.empty(), proxies.proxyFor("https", "harbor.svc.cluster.local", 443));
    assertEquals(Optional.empty(), proxies.proxyFor("http", "registry.lan", 5000));
    assertEquals(
        Optional.of(URI.create("http://proxy.corp:8080")),
        proxies.proxyFor("http", "registry.lan", 5001));
  }

  @Test
  void loopbackNeverGoesThroughAProxyAndStarDisablesIt() {
    assertEquals(Optional.empty(), proxies.proxyFor("http", "127.0.0.1", 5000));
    assertEquals(Optional.empty(), proxies.proxyFor("http", "localhost", 5000));
    ProxySelection star =
        ProxySelection.fromEnvironment(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "*"));
    assertEquals(Optional.empty(), star.proxyFor("https", "ghcr.io", 443));
  }
}
