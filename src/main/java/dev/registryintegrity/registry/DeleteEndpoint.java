package dev.registryintegrity.registry;

import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.registry.transport.HttpRequest;
import dev.registryintegrity.registry.transport.HttpResponse;
import dev.registryintegrity.registry.transport.RegistryError;
import dev.registryintegrity.registry.transport.RegistryTransport;
import java.util.Map;
import java.util.Optional;

/**
 * {@code DELETE /v2/<name>/manifests/<reference>}: by digest it removes the manifest from the
 * repository, every tag on it with it; by tag (distribution v3, and registries implementing the
 * spec's tag deletion) the tag alone. The answer is told apart, not thrown: whether a registry
 * deletes at all is asked this way before anything is deleted.
 */
final class DeleteEndpoint {
  private final RegistryConnection connection;

  DeleteEndpoint(RegistryConnection connection) {
    this.connection = connection;
  }

  DeleteResult deleteManifest(String repository, ManifestRef reference) {
    HttpResponse r =
        connection.send(
            new HttpRequest(
                    "DELETE",
                    connection.uri(repository, "manifests/" + reference),
                    Map.of(),
                    repository,
                    RegistryTransport.ERROR_BODY_LIMIT)
                .forDelete());
    Optional<RegistryError> error = RegistryError.parse(r.body());
    String code = error.map(RegistryError::code).orElse("");
    String status = code.isEmpty() ? String.valueOf(r.status()) : r.status() + " " + code;
    return switch (r.status()) {
      case 202, 200, 204 -> new DeleteResult.Deleted();
      case 404 -> new DeleteResult.NotFound(status);
      case 405 -> new DeleteResult.DeletesOff(status);
      case 400 ->
          code.equals("DIGEST_INVALID") && reference instanceof ManifestRef.Tag
              ? new DeleteResult.TagDeleteUnsupported(status)
              : new DeleteResult.Refused(status, error.map(RegistryError::message).orElse(""));
      default -> new DeleteResult.Refused(status, error.map(RegistryError::message).orElse(""));
    };
  }
}
