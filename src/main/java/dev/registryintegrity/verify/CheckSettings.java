package dev.registryintegrity.verify;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Spelling;
import dev.registryintegrity.registry.credentials.CredentialStore;
import dev.registryintegrity.registry.credentials.Credentials;
import dev.registryintegrity.registry.transport.ProxySelection;
import dev.registryintegrity.registry.transport.RateLimiter;
import dev.registryintegrity.registry.transport.RetryPolicy;
import dev.registryintegrity.registry.transport.TlsSettings;
import dev.registryintegrity.registry.transport.TransportSettings;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.walk.Expectations;
import dev.registryintegrity.walk.WalkLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a check needs, however the user spelled it: the command line's options and the plugin's
 * settings each become one of these, and only here become a transport and the walk's limits. The
 * rules that hold for both spellings live here too (a password needs its username; verify-content
 * contradicts another blob check); the spellings only name their own inputs in the messages.
 *
 * @param credentials the explicit credential and every other source, already combined
 * @param requestLog where --debug sends one line per exchange (never headers)
 * @param spelling how messages name the user's inputs: flags or settings
 * @param readEveryRepository a blob's bytes read in each repository that references it, not once
 *     per run
 */
public record CheckSettings(
    boolean plainHttp,
    CredentialStore credentials,
    TlsSettings tls,
    ProxySelection proxies,
    int concurrency,
    int retries,
    Duration timeout,
    Duration connectTimeout,
    Duration readTimeout,
    BlobCheck blobCheck,
    long maxContentBytes,
    boolean referrers,
    List<String> requiredArtifactTypes,
    boolean checkExternal,
    boolean strict,
    Consumer<String> requestLog,
    Spelling spelling,
    boolean readEveryRepository) {

  public CheckSettings {
    requiredArtifactTypes = List.copyOf(requiredArtifactTypes);
  }

  /** How hard and how wide the walk looks; a required artifact type needs the referrers walked. */
  public WalkLimits limits() {
    return WalkLimits.of(
        concurrency,
        blobCheck,
        maxContentBytes,
        referrers || !requiredArtifactTypes.isEmpty(),
        checkExternal,
        strict,
        readEveryRepository);
  }

  /**
   * The transport: retries, connections for the concurrency, credentials, TLS, proxies, timeouts.
   */
  public TransportSettings transport() {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        Math.max(2, concurrency),
        RetryPolicy.defaults().withRetries(retries),
        credentials,
        tls,
        proxies,
        requestLog,
        RateLimiter.unlimited(),
        spelling);
  }

  /** A verify run of these settings, expecting {@code expectations} of every image. */
  public Verifier.Settings verifier(Expectations expectations) {
    return new Verifier.Settings(transport(), limits(), plainHttp, timeout, expectations);
  }

  /**
   * The blob check asked for, where "verify content" is a second spelling of {@code content}.
   *
   * @param verifyContentName and {@code blobCheckName}: how this spelling names the two inputs
   */
  public static BlobCheck blobCheck(
      Optional<BlobCheck> asked,
      boolean verifyContent,
      String verifyContentName,
      String blobCheckName) {
    if (verifyContent) {
      if (asked.isPresent() && asked.get() != BlobCheck.CONTENT) {
        throw new InputException(
            verifyContentName
                + " and "
                + blobCheckName
                + ": "
                + asked.get().label()
                + " contradict each other: give one of them");
      }
      return BlobCheck.CONTENT;
    }
    return asked.orElse(BlobCheck.READ);
  }

  /**
   * A username and a password, both or neither.
   *
   * @param noUsername and {@code noPassword}: what this spelling says when one is missing
   * @param source how the credential will be described (never its value)
   */
  public static Optional<Credentials> credential(
      Optional<String> username,
      Optional<String> password,
      String noUsername,
      String noPassword,
      String source) {
    Optional<String> user = username.filter(u -> !u.isEmpty());
    Optional<String> secret = password.filter(p -> !p.isEmpty());
    if (user.isEmpty() && secret.isEmpty()) {
      return Optional.empty();
    }
    if (user.isEmpty()) {
      throw new InputException(noUsername);
    }
    if (secret.isEmpty()) {
      throw new InputException(noPassword);
    }
    return Optional.of(new Credentials(user.get(), secret.get(), source));
  }
}
