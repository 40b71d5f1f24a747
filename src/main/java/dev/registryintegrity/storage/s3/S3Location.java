package dev.registryintegrity.storage.s3;

import dev.registryintegrity.InputException;
import java.util.regex.Pattern;

/**
 * {@code s3://BUCKET[/ROOTDIRECTORY]}: the s3 storage driver's {@code bucket} and {@code
 * rootdirectory}, in the form the aws CLI and rclone users already write.
 *
 * @param bucket the bucket
 * @param prefix the rootdirectory as a key prefix: no leading or trailing '/', "" for the bucket's
 *     top
 */
public record S3Location(String bucket, String prefix) {
  /** S3's rule for bucket names (3-63 of lower-case letters, digits, '.', '-'). */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]");

  public static S3Location parse(String spelling) {
    String rest = spelling.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new InputException(
          "'"
              + spelling
              + "' names no S3 bucket: write s3://BUCKET/ROOTDIRECTORY with the bucket and"
              + " rootdirectory of the registry's storage.s3 settings");
    }
    if (prefix.startsWith("/") || prefix.contains("//")) {
      throw new InputException(
          "'"
              + spelling
              + "': the rootdirectory has an empty path segment; write it as in the"
              + " registry's storage.s3.rootdirectory, without doubled '/'");
    }
    return new S3Location(bucket, prefix);
  }

  /** The key of {@code path} (relative to the rootdirectory). */
  public String key(String path) {
    if (prefix.isEmpty()) {
      return path;
    }
    return path.isEmpty() ? prefix : prefix + "/" + path;
  }

  /**
   * The key prefix that lists what is under {@code under} ("" or a path ending in '/'): the
   * rootdirectory's own contents list as {@code ROOT/}, never {@code ROOT} (which {@code ROOT-old}
   * would match too).
   */
  public String listPrefix(String under) {
    return under.isEmpty() ? (prefix.isEmpty() ? "" : prefix + "/") : key(under);
  }

  /** {@code path} back from a key under the rootdirectory. */
  public String path(String key) {
    return prefix.isEmpty() ? key : key.substring(Math.min(key.length(), prefix.length() + 1));
  }

  public String url(String path) {
    String key = key(path);
    return "s3://" + bucket + (key.isEmpty() ? "" : "/" + key);
  }

  @Override
  public String toString() {
    return url("");
  }
}
