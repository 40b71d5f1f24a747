package dev.registryintegrity.verify;

import dev.registryintegrity.InputException;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.Input;
import dev.registryintegrity.model.Platform;
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
import dev.registryintegrity.walk.WalkPolicy;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a check needs, however the user spelled it: the command line's options and the plugin's
 * settings each fill one {@link Builder}, which owns every default, range and rule ({@link
 * CheckOption} states them), and only here do they become a transport, the walk's limits and its
 * policy. The spellings only parse their own inputs and name them in messages.
 */
public final class CheckSettings {
  /** The run's deadline when none is given: long enough for a large image's content check. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final boolean plainHttp;
  private final CredentialStore credentials;
  private final TlsSettings tls;
  private final ProxySelection proxies;
  private final int retries;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final List<String> requiredArtifactTypes;
  private final Consumer<String> requestLog;
  private final Spelling spelling;
  private final WalkLimits limits;
  private final WalkPolicy policy;

  /** A copy of what the builder holds now: building again after more changes makes another. */
  private CheckSettings(Builder b) {
    this.plainHttp = b.plainHttp;
    this.credentials = b.credentials;
    this.tls = b.tls;
    this.proxies = b.proxies;
    this.retries = b.retries;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.requiredArtifactTypes = b.requiredArtifactTypes;
    this.requestLog = b.requestLog;
    this.spelling = b.spelling;
    this.limits = WalkLimits.of(b.concurrency, b.maxContentBytes);
    Set<WalkPolicy.Option> options = EnumSet.noneOf(WalkPolicy.Option.class);
    options.addAll(b.options);
    if (!b.requiredArtifactTypes.isEmpty()) {
      // A referrer of a required type can only be found by walking the referrers.
      options.add(WalkPolicy.Option.REFERRERS);
    }
    this.policy = new WalkPolicy(b.blobCheck, options);
  }

  /**
   * @param spelling how messages name the user's inputs: flags or settings
   */
  public static Builder builder(Spelling spelling) {
    return new Builder(spelling);
  }

  public boolean plainHttp() {
    return plainHttp;
  }

  public TlsSettings tls() {
    return tls;
  }

  public CredentialStore credentials() {
    return credentials;
  }

  public int retries() {
    return retries;
  }

  public Duration timeout() {
    return timeout;
  }

  public Spelling spelling() {
    return spelling;
  }

  public List<String> requiredArtifactTypes() {
    return requiredArtifactTypes;
  }

  /** How much the walk may ask at once and how far it goes. */
  public WalkLimits limits() {
    return limits;
  }

  /** What the walk proves and follows. */
  public WalkPolicy policy() {
    return policy;
  }

  /** What every image of a run must be: the required referrers, and what the caller adds. */
  public Expectations expectations(Optional<Digest> digest, List<Platform> platforms) {
    return new Expectations(digest, platforms, requiredArtifactTypes);
  }

  /**
   * The transport: retries, connections for the concurrency, credentials, TLS, proxies, timeouts.
   */
  public TransportSettings transport() {
    return new TransportSettings(
        connectTimeout,
        readTimeout,
        Math.max(2, limits.concurrency()),
        RetryPolicy.defaults().withRetries(retries),
        credentials,
        tls,
        proxies,
        requestLog,
        RateLimiter.unlimited(),
        spelling);
  }

  /** Every input by name, each checked against its range and rules as it is given. */
  public static final class Builder {
    private final Spelling spelling;
    private boolean plainHttp;
    private CredentialStore credentials = CredentialStore.none();
    private TlsSettings tls = TlsSettings.defaults();
    private ProxySelection proxies = ProxySelection.none();
    private int concurrency = WalkLimits.DEFAULT_CONCURRENCY;
    private int retries = RetryPolicy.DEFAULT_RETRIES;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = TransportSettings.DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = TransportSettings.DEFAULT_READ_TIMEOUT;
    private BlobCheck blobCheck = BlobCheck.READ;
    private long maxContentBytes = BlobCheck.DEFAULT_MAX_CONTENT_BYTES;
    private final Set<WalkPolicy.Option> options = EnumSet.noneOf(WalkPolicy.Option.class);
    private List<String> requiredArtifactTypes = List.of();
    private Consumer<String> requestLog = line -> {};

    private Builder(Spelling spelling) {
      this.spelling = spelling;
    }

    public Builder plainHttp(boolean on) {
      this.plainHttp = on;
      return this;
    }

    /** The explicit credential and every other source, already combined. */
    public Builder credentials(CredentialStore store) {
      this.credentials = store;
      return this;
    }

    public Builder tls(TlsSettings settings) {
      this.tls = settings;
      return this;
    }

    public Builder proxies(ProxySelection selection) {
      this.proxies = selection;
      return this;
    }

    public Builder concurrency(int n) {
      this.concurrency = inRange(CheckOption.CONCURRENCY, n);
      return this;
    }

    public Builder retries(int n) {
      this.retries = inRange(CheckOption.RETRIES, n);
      return this;
    }

    public Builder timeout(Duration run) {
      this.timeout = run;
      return this;
    }

    public Builder connectTimeout(Duration connect) {
      this.connectTimeout = connect;
      return this;
    }

    public Builder readTimeout(Duration read) {
      this.readTimeout = read;
      return this;
    }

    /**
     * The blob check asked for, where "verify content" is a second spelling of {@code content}: the
     * two may agree, never contradict.
     */
    public Builder blobCheck(Optional<BlobCheck> asked, boolean verifyContent) {
      if (verifyContent && asked.isPresent() && asked.get() != BlobCheck.CONTENT) {
        throw new InputException(
            spelling.inputs(Input.VERIFY_CONTENT, Input.BLOB_CHECK)
                + ": "
                + asked.get().label()
                + " contradict each other: give one of them");
      }
      this.blobCheck = verifyContent ? BlobCheck.CONTENT : asked.orElse(BlobCheck.READ);
      return this;
    }

    public Builder maxContentBytes(long bytes) {
      this.maxContentBytes = bytes;
      return this;
    }

    /** Turns one of the walk's options on or off. */
    public Builder option(WalkPolicy.Option option, boolean on) {
      if (on) {
        options.add(option);
      } else {
        options.remove(option);
      }
      return this;
    }

    public Builder requireArtifactTypes(List<String> types) {
      this.requiredArtifactTypes = List.copyOf(types);
      return this;
    }

    /** Where --debug sends one line per exchange (never headers). */
    public Builder requestLog(Consumer<String> log) {
      this.requestLog = log;
      return this;
    }

    public CheckSettings build() {
      return new CheckSettings(this);
    }

    private int inRange(CheckOption option, int n) {
      CheckOption.Range range = option.range().orElseThrow();
      if (!range.contains(n)) {
        throw new InputException(
            option.nameIn(spelling)
                + " is "
                + n
                + ": use a number from "
                + range.min()
                + " to "
                + range.max());
      }
      return n;
    }
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
