package dev.registryintegrity.storage;

import dev.registryintegrity.CannotCheckException;
import dev.registryintegrity.InputException;
import dev.registryintegrity.model.CosignTags;
import dev.registryintegrity.model.Descriptor;
import dev.registryintegrity.model.Digest;
import dev.registryintegrity.model.InvalidValueException;
import dev.registryintegrity.model.Manifest;
import dev.registryintegrity.model.ManifestRef;
import dev.registryintegrity.source.BlobCheck;
import dev.registryintegrity.source.ContentSource;
import dev.registryintegrity.source.FileHash;
import dev.registryintegrity.source.Lookup;
import dev.registryintegrity.source.Origin;
import dev.registryintegrity.source.Proof;
import dev.registryintegrity.source.Referrer;
import dev.registryintegrity.source.ReferrerLookup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registry's storage directory read offline, answering exactly what the HTTP API would: a
 * manifest without its revision link in the repository is not served even when its bytes are on
 * disk, and a blob needs both its {@code _layers} link and its data.
 *
 * <p>Each "not there" says which file is missing, so the report tells the operator what the API
 * cannot: whether the bytes survived (and a link can be restored) or are gone.
 */
public final class StorageSource implements ContentSource {
  static final String OK = "link+data";

  private final StorageLayout layout;
  private final boolean verifyContent;
  private final AtomicLong reads = new AtomicLong();

  /** Links a dry-run repair would create: seen as present, so the plan can look below them. */
  private final Set<String> plannedLinks = ConcurrentHashMap.newKeySet();

  /** Blob data is shared by every repository: hash each blob once per run, not once per link. */
  private final Map<Digest, Digest> hashed = new ConcurrentHashMap<>();

  private final StoredManifests manifests;

  /** Per repository: each subject and the manifests there that name it, read once. */
  private final Map<String, Map<Digest, Set<Digest>>> subjects = new ConcurrentHashMap<>();

  public StorageSource(StorageLayout layout, boolean verifyContent) {
    this.layout = layout;
    this.verifyContent = verifyContent;
    this.manifests = new StoredManifests(layout);
  }

  public StorageLayout layout() {
    return layout;
  }

  void plan(String link) {
    plannedLinks.add(link);
  }

  /** The repository's subjects are read again if asked again: retention deletes between. */
  @Override
  public void forget(String repository) {
    subjects.remove(repository);
  }

  @Override
  public Origin origin() {
    return new Origin(Origin.Medium.STORAGE, "registry storage " + layout.root());
  }

  @Override
  public long requestCount() {
    return reads.get();
  }

  @Override
  public Lookup fetchManifest(String repository, ManifestRef ref, int maxBytes) {
    reads.incrementAndGet();
    Digest digest;
    if (ref instanceof ManifestRef.ByDigest byDigest) {
      digest = byDigest.digest();
    } else {
      String reference = ref.toString();
      String link = layout.tagLink(repository, reference);
      if (!layout.hasTag(repository, reference)) {
        return new Lookup.Absent(
            "no tag", "TAG_UNKNOWN", "no _manifests/tags/" + reference + " in " + repository);
      }
      Optional<String> text;
      try {
        text = layout.readLink(link);
      } catch (IOException e) {
        return unreadable(link, e);
      }
      try {
        digest =
            Digest.parse(text.orElseThrow(() -> new InvalidValueException("the file is missing")));
      } catch (InvalidValueException e) {
        return new Lookup.Absent(
            "bad tag link",
            "TAG_LINK_INVALID",
            "tag link "
                + layout.relative(link)
                + " is empty or not a digest ("
                + e.getMessage()
                + ")");
      }
    }
    Lookup revision = revisionLink(repository, digest);
    if (revision instanceof Lookup.Absent absent) {
      return new Lookup.Absent(
          absent.status(), absent.code(), absent.message(), Optional.of(digest));
    }
    String data = layout.blobData(digest);
    try (InputStream in = layout.driver().open(data)) {
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        return new Lookup.TooLarge(OK, maxBytes);
      }
      return Lookup.Found.withBody(OK, "", Optional.of(digest), body, List.of());
    } catch (NoSuchFileException e) {
      return dataMissing(digest, "revision");
    } catch (IOException e) {
      return unreadable(data, e);
    }
  }

  @Override
  public Lookup checkManifest(String repository, Digest digest) {
    reads.incrementAndGet();
    Lookup revision = revisionLink(repository, digest);
    if (revision != null) {
      return revision;
    }
    return checkData(digest, "revision", verifyContent);
  }

  @Override
  public Lookup checkBlob(String repository, Digest digest, BlobCheck check) {
    reads.incrementAndGet();
    String link = layout.layerLink(repository, digest);
    if (!layout.hasLink(link) && !plannedLinks.contains(link)) {
      return new Lookup.Absent(
          "no layer link",
          "LAYER_LINK_MISSING",
          "no _layers link in "
              + repository
              + ", so the API answers 404 BLOB_UNKNOWN"
              + whetherBytesSurvive(digest));
    }
    return checkData(digest, "_layers", verifyContent || check == BlobCheck.CONTENT);
  }

  @Override
  public Optional<byte[]> readBlob(String repository, Digest digest, int maxBytes) {
    reads.incrementAndGet();
    String link = layout.layerLink(repository, digest);
    if (!layout.hasLink(link) && !plannedLinks.contains(link)) {
      return Optional.empty();
    }
    try (InputStream in = layout.driver().open(layout.blobData(digest))) {
      byte[] body = in.readNBytes(maxBytes + 1);
      return body.length > maxBytes ? Optional.empty() : Optional.of(body);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * A repository's referrers as the registry would list them: the manifests it serves whose {@code
   * subject} is this one (however a client recorded them, API or fallback tag), and cosign's tags.
   */
  @Override
  public ReferrerLookup referrers(String repository, Digest subject) {
    List<Referrer> found = new ArrayList<>();
    Set<Digest> naming =
        subjects
            .computeIfAbsent(repository, manifests::referrersIn)
            .getOrDefault(subject, Set.of());
    for (Digest referrer : naming) {
      manifests
          .get(referrer)
          .ifPresent(
              m ->
                  found.add(
                      new Referrer(
                          descriptorOf(referrer, m), "subject in storage", Optional.empty())));
    }
    for (CosignTags.Scheme scheme : CosignTags.SCHEMES) {
      String tag = CosignTags.tagFor(subject, scheme);
      try {
        Optional<Digest> signed =
            layout.readLink(layout.tagLink(repository, tag)).map(Digest::parse);
        if (signed.isPresent() && !naming.contains(signed.get())) {
          Optional<Manifest> m = manifests.get(signed.get());
          if (m.isPresent()) {
            found.add(
                new Referrer(
                    descriptorOf(signed.get(), m.get()),
                    "cosign tag " + tag,
                    Optional.of(scheme.role())));
          }
        }
      } catch (CannotCheckException | InputException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // an unreadable tag link names no referrer; fsck reports the tag itself
      }
    }
    return new ReferrerLookup.Found(found, List.of());
  }

  private Descriptor descriptorOf(Digest digest, Manifest manifest) {
    long size;
    try {
      size = layout.driver().size(layout.blobData(digest));
    } catch (IOException e) {
      size = -1;
    }
    return Descriptor.of(manifest.mediaType(), digest, size);
  }

  private Lookup revisionLink(String repository, Digest digest) {
    String link = layout.revisionLink(repository, digest);
    if (layout.hasLink(link) || plannedLinks.contains(link)) {
      return null;
    }
    return new Lookup.Absent(
        "no revision link",
        "REVISION_LINK_MISSING",
        "no _manifests/revisions link for "
            + digest
            + " in "
            + repository
            + ", so the API answers 404 MANIFEST_UNKNOWN"
            + whetherBytesSurvive(digest));
  }

  /** Whether a missing link can be restored: its target's bytes are still stored. */
  private String whetherBytesSurvive(Digest digest) {
    return layout.hasData(digest)
        ? "; the bytes survive (fsck --repair restores the link)"
        : "; the bytes are gone too";
  }

  private Lookup checkData(Digest digest, String linkKind, boolean hash) {
    String data = layout.blobData(digest);
    try {
      long size = layout.driver().size(data);
      Optional<Digest> actual = hash ? Optional.of(hashOnce(digest, data)) : Optional.empty();
      return new Lookup.Found(
          OK,
          "",
          OptionalLong.of(size),
          actual,
          Optional.empty(),
          List.of(),
          hash ? Proof.HASHED : Proof.SERVED);
    } catch (NoSuchFileException e) {
      return dataMissing(digest, linkKind);
    } catch (IOException e) {
      return unreadable(data, e);
    }
  }

  private Lookup dataMissing(Digest digest, String linkKind) {
    return new Lookup.Absent(
        "no blob data",
        "BLOB_DATA_MISSING",
        "the "
            + linkKind
            + " link is there but blobs/"
            + digest.algorithm()
            + "/"
            + digest.hex().substring(0, 2)
            + "/"
            + digest.hex()
            + "/data is gone (a warm registry cache may still answer 200, then serve nothing)");
  }

  private Digest hashOnce(Digest digest, String data) throws IOException {
    Digest known = hashed.get(digest);
    if (known == null) {
      try (InputStream in = layout.driver().open(data)) {
        known = FileHash.of(digest, in).digest();
      }
      hashed.put(digest, known);
    }
    return known;
  }

  private Lookup unreadable(String file, IOException e) {
    return new Lookup.Unavailable(
        "unreadable", "cannot read " + layout.where(file) + ": " + e.getMessage());
  }
}
