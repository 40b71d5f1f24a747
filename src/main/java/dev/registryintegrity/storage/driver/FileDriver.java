package dev.registryintegrity.storage.driver;

import dev.registryintegrity.OutputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/** Distribution's filesystem driver: the tree under its {@code rootdirectory}. */
public record FileDriver(Path root) implements StorageDriver {

  public Path file(String path) {
    return path.isEmpty() ? root : root.resolve(path);
  }

  @Override
  public String where(String path) {
    return file(path).toString();
  }

  @Override
  public boolean isFile(String path) {
    return Files.isRegularFile(file(path));
  }

  @Override
  public boolean isDirectory(String path) {
    return Files.isDirectory(file(path));
  }

  @Override
  public List<Entry> list(String dir) {
    Path directory = file(dir);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path child : stream) {
        entries.add(new Entry(child.getFileName().toString(), Files.isDirectory(child)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.sort(Comparator.comparing(Entry::name));
    return entries;
  }

  @Override
  public void walk(String dir, BiConsumer<String, Long> action) {
    Path directory = file(dir);
    if (!Files.isDirectory(directory)) {
      return;
    }
    // Through symbolic links, as the registry's driver reads them (blobs on another disk).
    try (Stream<Path> files = Files.walk(directory, FileVisitOption.FOLLOW_LINKS)) {
      files
          .filter(Files::isRegularFile)
          .forEach(f -> action.accept(relative(f), f.toFile().length()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String relative(Path file) {
    return root.relativize(file).toString().replace('\\', '/');
  }

  @Override
  public long size(String path) throws IOException {
    return Files.size(file(path));
  }

  @Override
  public InputStream open(String path) throws IOException {
    return Files.newInputStream(file(path));
  }

  /** Written beside the target and moved into place, as distribution writes a link. */
  @Override
  public void write(String path, byte[] content) throws IOException {
    Path target = file(path);
    Files.createDirectories(target.getParent());
    Path temp = OutputFiles.tempIn(target.getParent(), ".link-", ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public boolean delete(String path) throws IOException {
    return Files.deleteIfExists(file(path));
  }

  @Override
  public void deleteTree(String dir) throws IOException {
    Path directory = file(dir);
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public Optional<String> whyNotRemovable(String dir) {
    return Files.isWritable(file(dir))
        ? Optional.empty()
        : Optional.of(
            "cannot write " + file(dir) + ": run as the user that owns the registry's storage");
  }
}
