package dev.registryintegrity.storage.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDriverTest {
  @TempDir Path root;

  @Test
  void aWalkFollowsASymbolicLinkAsTheRegistrysDriverDoes(@TempDir Path otherDisk) throws Exception {
    Path data = Files.createDirectories(otherDisk.resolve("sha256/ab/abcd"));
    Files.writeString(data.resolve("data"), "12345");
    Files.createDirectories(root.resolve("blobs"));
    Files.createSymbolicLink(root.resolve("blobs/sha256"), otherDisk.resolve("sha256"));
    Map<String, Long> files = new TreeMap<>();
    new FileDriver(root).walk("blobs", files::put);
    assertEquals(Map.of("blobs/sha256/ab/abcd/data", 5L), files);
  }

  @Test
  void aListingIsSortedAndTellsDirectoriesFromFiles() throws Exception {
    Files.createDirectories(root.resolve("tags/v1"));
    Files.createDirectories(root.resolve("tags/a-b"));
    Files.writeString(root.resolve("tags/file"), "x");
    assertEquals(
        List.of(
            new StorageDriver.Entry("a-b", true),
            new StorageDriver.Entry("file", false),
            new StorageDriver.Entry("v1", true)),
        new FileDriver(root).list("tags"));
    assertEquals(List.of(), new FileDriver(root).list("nothing/here"));
  }

  @Test
  void aWriteIsWholeAndLeavesNoTemporaryFile() throws Exception {
    FileDriver driver = new FileDriver(root);
    driver.write("r/_layers/sha256/ab/link", "sha256:ab".getBytes(StandardCharsets.UTF_8));
    assertEquals("sha256:ab", Files.readString(root.resolve("r/_layers/sha256/ab/link")));
    try (var files = Files.list(root.resolve("r/_layers/sha256/ab"))) {
      assertEquals(1, files.count(), "only the link");
    }
  }

  @Test
  void aTreeDeleteRemovesOnlyThatTree() throws Exception {
    Files.createDirectories(root.resolve("tags/v1/current"));
    Files.writeString(root.resolve("tags/v1/current/link"), "x");
    Files.createDirectories(root.resolve("tags/v10/current"));
    Files.writeString(root.resolve("tags/v10/current/link"), "y");
    FileDriver driver = new FileDriver(root);
    driver.deleteTree("tags/v1");
    assertFalse(driver.isDirectory("tags/v1"));
    assertTrue(driver.isFile("tags/v10/current/link"));
    assertFalse(driver.delete("tags/v1/current/link"), "already gone");
  }
}
