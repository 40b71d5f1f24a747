package dev.registryintegrity.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import org.junit.jupiter.api.Test;

class S3LocationTest {

  @Test
  void aRootdirectoryPrefixesEveryKeyAndListsItsOwnContentsOnly() {
    S3Location location = S3Location.parse("s3://registry/store/");
    assertEquals(new S3Location("registry", "store"), location);
    assertEquals("store/docker/registry/v2/blobs", location.key("docker/registry/v2/blobs"));
    assertEquals("docker/registry/v2", location.path("store/docker/registry/v2"));
    assertEquals("store/", location.listPrefix(""), "never 'store', which store-old matches");
    assertEquals("store/docker/", location.listPrefix("docker/"));
    assertEquals("s3://registry/store/docker", location.url("docker"));
  }

  @Test
  void aBucketAloneIsItsTop() {
    S3Location location = S3Location.parse("s3://registry");
    assertEquals("", location.prefix());
    assertEquals("docker/registry/v2", location.key("docker/registry/v2"));
    assertEquals("docker/registry/v2", location.path("docker/registry/v2"));
    assertEquals("", location.listPrefix(""));
    assertEquals("s3://registry", location.toString());
  }

  @Test
  void aNestedRootdirectoryKeepsItsSegments() {
    S3Location location = S3Location.parse("S3://my.bucket-1/a/b/c");
    assertEquals(new S3Location("my.bucket-1", "a/b/c"), location);
    assertEquals("a/b/c/x", location.key("x"));
  }

  @Test
  void aBucketNameS3WouldRefuseIsAUsageErrorNamingTheForm() {
    for (String bad : new String[] {"s3://", "s3://Registry/x", "s3://ab", "s3://bucket//x"}) {
      InputException e = assertThrows(InputException.class, () -> S3Location.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
      assertTrue(
          e.getMessage().contains("s3://BUCKET/ROOTDIRECTORY")
              || e.getMessage().contains("doubled"),
          e.getMessage());
    }
  }
}
