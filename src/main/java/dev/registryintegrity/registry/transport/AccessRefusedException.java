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
  private final boolean write;

  public AccessRefusedException(int status, String message) {
    this(status, message, false);
  }

  /**
   * @param write the refused request was a write (a push, an upload): the credential lacks push
   */
  public AccessRefusedException(int status, String message, boolean write) {
    super(message);
    this.status = status;
    this.write = write;
  }

  /** A write was refused: the credential may read but not push. */
  public boolean write() {
    return write;
  }

  public int status() {
    return status;
  }
}
