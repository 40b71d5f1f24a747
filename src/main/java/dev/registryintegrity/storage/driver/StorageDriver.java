package dev.registryintegrity.storage.driver;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where a registry keeps its storage, as distribution's own storage drivers see it: a tree of files
 * under a root, named by '/'-separated paths relative to that root. A directory exists while
 * something is stored under it (on S3 there are only keys). The offline tools read and repair
 * through this and nothing else, so the same checks run on a directory and on a bucket.
 */
public interface StorageDriver extends AutoCloseable {

  /** One child of a directory: its name, and whether it is itself a directory. */
  record Entry(String name, boolean directory) {}

  /** Where {@code path} is, as the operator would look for it: a file name or an s3:// URL. */
  String where(String path);

  /** A file (object) is stored at {@code path}. */
  boolean isFile(String path);

  /** Something is stored under {@code path/}. */
  boolean isDirectory(String path);

  /** The children of {@code dir}, sorted by name; empty when there is none. */
  List<Entry> list(String dir);

  /**
   * Every file under {@code dir} with its size, in no promised order, without holding the list (a
   * store may have millions).
   */
  void walk(String dir, BiConsumer<String, Long> file);

  /** The file's size; {@link java.nio.file.NoSuchFileException} when there is none. */
  long size(String path) throws IOException;

  /**
   * The file's bytes, streamed; {@link java.nio.file.NoSuchFileException} when there is none.
   * Closing before the end stops the transfer.
   */
  InputStream open(String path) throws IOException;

  /** Stores {@code content} at {@code path} whole or not at all (readers never see half). */
  void write(String path, byte[] content) throws IOException;

  /** Removes the file at {@code path}; false when there was none. */
  boolean delete(String path) throws IOException;

  /** Removes {@code dir} and everything under it. */
  void deleteTree(String dir) throws IOException;

  /**
   * Why nothing under {@code dir} can be removed with the credentials or permissions this run has,
   * found without changing anything; empty when removing is allowed.
   */
  java.util.Optional<String> whyNotRemovable(String dir);

  /**
   * Reads everything under {@code dir} in as few requests as the medium allows and answers later
   * questions about it from that listing (and what this run writes and deletes there), as a
   * directory listing taken at that moment would. A no-op where each question is as cheap as the
   * listing (a local disk).
   */
  default void cover(String dir) {}

  /** Others may have changed what is under {@code dir}: read it again before answering. */
  default void refresh(String dir) {}

  /** Releases connections; nothing to do for a directory. */
  @Override
  default void close() {}
}
