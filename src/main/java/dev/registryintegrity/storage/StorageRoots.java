package dev.registryintegrity.storage;

import dev.registryintegrity.InputException;
import dev.registryintegrity.storage.driver.StorageDriver;
import dev.registryintegrity.storage.s3.S3Driver;
import dev.registryintegrity.storage.s3.S3Location;
import java.util.Map;

/**
 * The spellings of a storage root: a directory, or {@code s3://BUCKET[/ROOTDIRECTORY]}. The S3
 * client is made only for the second, so nothing else ever loads it.
 */
public final class StorageRoots {
  private StorageRoots() {}

  public static boolean isS3(String spelling) {
    return spelling.regionMatches(true, 0, "s3://", 0, 5);
  }

  static StorageDriver s3(String spelling, Map<String, String> environment) {
    S3Location location = S3Location.parse(spelling);
    try {
      return S3Driver.connect(location, environment);
    } catch (NoClassDefFoundError withoutSdk) {
      throw new InputException(
          "'"
              + spelling
              + "': this build has no S3 client (the plugin image leaves the AWS SDK out): run"
              + " registry-integrity from its jar or archive for an S3 storage root");
    }
  }
}
