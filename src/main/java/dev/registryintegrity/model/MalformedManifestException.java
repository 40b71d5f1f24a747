package dev.registryintegrity.model;

/** A manifest body that is not a manifest: the registry served bytes no client can use. */
public class MalformedManifestException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedManifestException(String message) {
    super(message);
  }
}
