package dev.registryintegrity.registry.transport;

import dev.registryintegrity.CannotCheckException;

/**
 * The registry answered, and refused this credential (401 after its challenge was answered, or
 * 403): not a fault to retry. What it means depends on the endpoint: for an image, fix the
 * credential; for the catalog, many registries offer it to no one but admins.
 */
public final class AccessRefusedException extends CannotCheckException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public AccessRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
