package dev.registryintegrity.storage.s3;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.InputException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3's refusals as one line that names the bucket and the fix: the operator gave a wrong name or
 * credentials (exit 2), or the server could not be asked (exit 3); never a stack trace.
 */
record S3Failures(S3Location location, S3Settings settings) {

  RuntimeException of(String action, String path, SdkException e) {
    String where = location.url(path);
    if (e instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorCode();
      if ("NoSuchBucket".equals(code)) {
        return new InputException(
            "s3://"
                + location.bucket()
                + ": no such bucket at "
                + settings.describe()
                + ": check the bucket (the registry's storage.s3.bucket) and "
                + S3Settings.ENDPOINT_S3
                + " or "
                + S3Settings.ENDPOINT);
      }
      if (s3.statusCode() == 403 || s3.statusCode() == 401) {
        return new CannotCheckException(
            "cannot "
                + action
                + " "
                + where
                + ": "
                + settings.describe()
                + " refused ("
                + s3.statusCode()
                + " "
                + code
                + "): give credentials that may list and read the bucket, and write it for"
                + " --repair or --apply (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or"
                + " AWS_PROFILE)");
      }
      return refused(action, path, s3.statusCode() + " " + code);
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof javax.net.ssl.SSLHandshakeException) {
        return new CannotCheckException(
            "cannot "
                + action
                + " "
                + where
                + ": the TLS certificate of "
                + settings.describe()
                + " is not trusted: give its CA certificate (PEM) in AWS_CA_BUNDLE");
      }
    }
    if (e instanceof SdkClientException && message.contains("credentials")) {
      return new InputException(
          "no AWS credentials for "
              + location
              + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (the"
              + " credentials of the registry's storage.s3 accesskey and secretkey)");
    }
    return new CannotCheckException(
        "cannot " + action + " " + where + " at " + settings.describe() + ": " + firstLine(message),
        e);
  }

  private CannotCheckException refused(String action, String path, String why) {
    return new CannotCheckException(
        "cannot "
            + action
            + " "
            + location.url(path)
            + ": "
            + settings.describe()
            + " answered "
            + why);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
