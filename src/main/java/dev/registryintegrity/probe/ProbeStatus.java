package dev.registryintegrity.probe;

import dev.registryintegrity.report.Failure;
import dev.registryintegrity.status.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The probe server's status page: its last finished run, or a wait for the first. */
final class ProbeStatus {
  private ProbeStatus() {}

  /**
   * @param running the run in progress, how far it has got
   */
  static Status of(
      String title, Optional<ProbeResult> last, Instant now, Optional<String> running) {
    if (last.isEmpty()) {
      return Status.of(title, now, Optional.empty(), running, List.of(), "repository", List.of());
    }
    ProbeResult r = last.get();
    String verdict =
        switch (r.report().exitCode()) {
          case INTACT -> r.orphanedReferrers() > 0 ? "warning" : "intact";
          case INTEGRITY_FAILURE -> "broken";
          default -> "unchecked";
        };
    List<Status.Problem> problems = new ArrayList<>();
    for (String listing : r.report().warnings()) {
      problems.add(
          new Status.Problem(
              "unchecked",
              "registry " + r.instance(),
              "listing",
              Optional.empty(),
              List.of(),
              listing,
              "what the listing would name was not checked: fix access to the registry"
                  + " (network, credentials, catalog scope) or pass --repos-file"));
    }
    problems.addAll(
        Status.Problem.of(Failure.of(r.report().images()), Failure.warnings(r.report().images())));
    List<Status.Row> rows = new ArrayList<>();
    for (RepositoryVerdict repo : r.repositories()) {
      rows.add(
          new Status.Row(
              repo.repository(),
              Status.word(repo.verdict()),
              repo.tags(),
              repo.digests(),
              repo.failed(),
              r.finishedAt()));
    }
    return Status.of(
        title,
        now,
        Optional.of(
            new Status.LastRun(
                verdict, r.finishedAt(), r.duration(), ProbeCommandSupport.summary(r))),
        running,
        problems,
        "repository",
        rows);
  }
}
