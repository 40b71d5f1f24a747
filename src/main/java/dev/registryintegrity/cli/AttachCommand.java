package dev.registryintegrity.cli;

import dev.registryintegrity.ExitCode;
import dev.registryintegrity.InputException;
import dev.registryintegrity.attach.Artifact;
import dev.registryintegrity.attach.Attached;
import dev.registryintegrity.attach.Attacher;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.reference.ImageReference;
import dev.registryintegrity.registry.RegistryClient;
import dev.registryintegrity.source.FileHash;
import dev.registryintegrity.verify.CheckSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code registry-integrity attach}: a file (an SBOM, a provenance statement) attached to an image
 * as an OCI 1.1 artifact, so that {@code verify --require-artifact-type} can require it.
 */
final class AttachCommand implements Command {
  /** RFC 6838's shape, loosely: type/subtype, no spaces or parameters. */
  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");

  @Override
  public About about() {
    return new About(
        "attach",
        "IMAGE FILE",
        "attach a file (an SBOM, provenance) to an image as an OCI 1.1 referrer",
        "registry-integrity attach --artifact-type TYPE [options] IMAGE FILE",
        "Pushes FILE as an OCI 1.1 artifact whose subject is IMAGE: listed by the registry's"
            + " referrers API, or, where it has none, in the fallback tag sha256-<hex>. The same"
            + " file and annotations make the same artifact, so attaching twice adds nothing.",
        "Exit codes: 0 attached (or already there), 2 usage, 3 could not attach (the registry"
            + " refused or the image is not there).");
  }

  @Override
  public Options options() {
    Options o = new Options();
    ConnectionOptions.addTo(o, ConnectionOptions.WALK_ONLY);
    o.addOption(
        Flags.valued(
            "artifact-type",
            "TYPE",
            "what the file is, as verify --require-artifact-type asks for it, e.g."
                + " application/vnd.cyclonedx+json (required)"));
    o.addOption(
        Flags.valued(
            "media-type", "TYPE", "the file's own media type (default: the artifact type)"));
    o.addOption(
        Flags.valued(
            "annotation",
            "KEY=VALUE",
            "an annotation on the artifact manifest (repeatable), e.g."
                + " org.opencontainers.image.created=2026-12-07T00:00:00Z"));
    return o;
  }

  @Override
  public ExitCode run(CommandLine line, Context context) throws IOException {
    List<String> args = line.getArgList();
    if (args.size() != 2) {
      throw new InputException(
          "attach takes IMAGE FILE, e.g. attach --artifact-type application/vnd.cyclonedx+json"
              + " registry.example.com/team/app:1.0 bom.json (got "
              + args.size()
              + " arguments)");
    }
    String artifactType = mediaType(line, "artifact-type", null);
    String mediaType = mediaType(line, "media-type", artifactType);
    ImageReference image = ImageReference.parse(args.get(0));
    Path file = Path.of(args.get(1));
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InputException(
          "attach: '" + file + "' is not a readable file: give the file to attach");
    }
    Map<String, String> annotations = annotations(line);
    // Hashed in sha256, the algorithm of the expected digest given.
    FileHash hashed = FileHash.of(Digest.sha256Of(new byte[0]), file);
    long size = hashed.length();
    Artifact artifact =
        new Artifact(artifactType, mediaType, file, hashed.digest(), size, annotations);
    CheckSettings check = ConnectionOptions.check(line, context);
    try (RegistryClient client =
        ConnectionOptions.client(image.registryName(), check, context.environment().clock())) {
      Attached attached =
          new Attacher(client).attach(image.repository(), image.identifier(), artifact);
      String where =
          switch (attached) {
            case Attached.Listed l -> "listed by the registry's referrers API";
            case Attached.Tagged t ->
                (t.added() ? "added to" : "already in")
                    + " the referrers fallback tag "
                    + image.registry()
                    + "/"
                    + image.repository()
                    + ":"
                    + t.tag();
          };
      context
          .console()
          .line(
              "attached {} ({}, {} bytes) to {}@{}: {}",
              attached.manifest(),
              artifactType,
              size,
              image.registry() + "/" + image.repository(),
              attached.subject(),
              where);
    }
    return ExitCode.INTACT;
  }

  private static String mediaType(CommandLine line, String option, String fallback) {
    String value = line.getOptionValue(option);
    if (value == null) {
      if (fallback == null) {
        throw new InputException(
            "attach needs --"
                + option
                + " TYPE, e.g. --"
                + option
                + " application/vnd.cyclonedx+json");
      }
      return fallback;
    }
    if (!MEDIA_TYPE.matcher(value).matches()) {
      throw new InputException(
          "--"
              + option
              + " '"
              + value
              + "' is not a media type: give type/subtype, e.g. application/vnd.cyclonedx+json");
    }
    return value;
  }

  private static Map<String, String> annotations(CommandLine line) {
    Map<String, String> annotations = new LinkedHashMap<>();
    for (String a : Flags.repeated(line, "annotation")) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new InputException(
            "--annotation '"
                + a
                + "' is not KEY=VALUE, e.g. org.opencontainers.image.vendor=Example");
      }
      annotations.put(a.substring(0, eq), a.substring(eq + 1));
    }
    return annotations;
  }
}
