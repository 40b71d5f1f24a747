package dev.registryintegrity.watch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.serve.Endpoints;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Takes a request on any {@link EventEndpoint} the same way, answering at once (a sender retries
 * and then drops a slow endpoint, so nothing is verified here): refused while stopping (503), for
 * its media type (415), its size (413), a broken wrapping (400), its gate (401) or a payload that
 * is not its sender's format (400); ignored when it is about no container image (200); otherwise
 * the checks it asks for are queued and journaled (202), or it is turned away to be sent again
 * (503).
 */
final class Intake {
  /** The registry's envelopes are kilobytes; a megabyte is not an envelope. */
  static final int MAX_BODY = 1 << 20;

  private final Receiving shared;

  Intake(Receiving shared) {
    this.shared = shared;
  }

  /** Serves {@code endpoint} on {@code server}: its path exactly, POST only. */
  void route(HttpServer server, EventEndpoint endpoint) {
    Endpoints.route(server, endpoint.path(), Set.of("POST"), e -> receive(e, endpoint));
  }

  private void receive(HttpExchange e, EventEndpoint endpoint) throws IOException {
    if (shared.stopping().getAsBoolean()) {
      // The sender keeps the event and sends it to the receiver that replaces this one.
      e.getResponseHeaders().set("Retry-After", "5");
      answer(e, 503, "stopping\n");
      return;
    }
    Optional<EventEndpoint.Unwrap> unwrap =
        endpoint.accepts().unwrapFor(e.getRequestHeaders().getFirst("Content-Type"));
    if (unwrap.isEmpty()) {
      refuse(e, new Refusal(415, "media-type", "expected " + endpoint.accepts().described()));
      return;
    }
    byte[] body;
    try (InputStream in = e.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      refuse(e, new Refusal(413, "too-large", "a body over 1 MiB is not an event"));
      return;
    }
    byte[] payload;
    try {
      payload = unwrap.get().payload(body);
    } catch (InvalidValueException bad) {
      refuse(e, new Refusal(400, "malformed", bad.getMessage()));
      return;
    }
    Optional<Refusal> refused = endpoint.gate().check(e.getRequestHeaders(), payload);
    if (refused.isPresent()) {
      refuse(e, refused.get());
      return;
    }
    Events.Parsed parsed;
    try {
      parsed = endpoint.format().parse(e.getRequestHeaders(), payload);
    } catch (Webhooks.UnknownEvent unknown) {
      refuse(e, new Refusal(400, "unknown-event", unknown.getMessage()));
      return;
    } catch (InvalidValueException bad) {
      refuse(e, new Refusal(400, "malformed", bad.getMessage()));
      return;
    }
    shared.metrics().skipped(parsed.skipped());
    shared.metrics().ignored(parsed.ignored());
    if (parsed.events().isEmpty() && parsed.ignored() > 0) {
      answer(e, 200, "ignored: not a container image\n");
      return;
    }
    enqueue(e, parsed);
  }

  /** One escaped log line per refusal (never a header's value), counted, and a 4xx. */
  private void refuse(HttpExchange e, Refusal r) throws IOException {
    shared.metrics().rejected(r.reason());
    shared
        .log()
        .line(
            "watch: refused POST {} from {}: {} {}",
            e.getRequestURI().getRawPath(),
            e.getRemoteAddress().getAddress().getHostAddress(),
            r.status(),
            r.message());
    answer(e, r.status(), r.message() + "\n");
  }

  private void enqueue(HttpExchange e, Events.Parsed parsed) throws IOException {
    List<Journal.Accepted> accepted = new ArrayList<>();
    boolean full = false;
    for (Event event : parsed.events()) {
      shared.metrics().event(event.action());
      for (TagKey key : checksFor(event)) {
        if (shared.queue().offer(key.repository(), key.tag())) {
          accepted.add(new Journal.Accepted(key.repository(), key.tag(), shared.clock().instant()));
        } else {
          full = true;
        }
      }
    }
    try {
      if (shared.journal().isPresent()) {
        shared.journal().get().accepted(accepted);
      }
    } catch (IOException io) {
      // Not on disk, not acknowledged: the sender sends it again (the queued entries are
      // checked all the same, and de-duplicated then).
      shared.log().line("watch: cannot write the journal ({}): answering 503", io.getMessage());
      answer(e, 503, "cannot record the checks: send again later\n");
      return;
    }
    if (full) {
      shared.metrics().deferred();
      e.getResponseHeaders().set("Retry-After", "5");
      answer(e, 503, "queue full: send again later\n");
      return;
    }
    answer(e, 202, "accepted\n");
  }

  /**
   * Every answer on an event endpoint is counted by endpoint and code: is Harbor sending at all?
   */
  private void answer(HttpExchange e, int status, String body) throws IOException {
    shared.metrics().answered(e.getRequestURI().getRawPath(), status);
    Endpoints.send(e, status, "text/plain", body);
  }

  /** The checks an event asks for: the pushed tag, or the tags a deleted digest may break. */
  private List<TagKey> checksFor(Event event) {
    return switch (event.action()) {
      // Children and blobs arrive before the tagged index; the tag's own event starts the check.
      case "push" ->
          event
              .tag()
              .filter(t -> event.manifest())
              .map(tag -> List.of(new TagKey(event.repository(), tag)))
              .orElse(List.of());
      case "delete" -> {
        if (event.tag().isPresent()) {
          shared.ledger().forget(new TagKey(event.repository(), event.tag().get()));
          shared
              .log()
              .line(
                  "watch: {}:{} deleted (the registry's tag delete event): its series are removed",
                  event.repository(),
                  event.tag().get());
        }
        yield event
            .digest()
            .map(digest -> shared.tracking().tagsReaching(event.repository(), digest))
            .orElse(List.of());
      }
      default -> List.of();
    };
  }
}
