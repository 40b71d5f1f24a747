package dev.registryintegrity.verify;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.registryintegrity.model.Digest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads the JSON report the way the tests ask about it: which digests failed, and how. */
public final class Reports {
  private Reports() {}

  /** Digests of every entry in {@code failures}. */
  public static Set<String> failingDigests(JsonObject report) {
    Set<String> digests = new HashSet<>();
    for (JsonElement f : report.getAsJsonArray("failures")) {
      if (f.getAsJsonObject().has("digest")) {
        digests.add(f.getAsJsonObject().get("digest").getAsString());
      }
    }
    return digests;
  }

  /**
   * "finding detail" per digest, over every image's nodes; a node without a digest (a tag that did
   * not resolve) is keyed by its image's reference.
   */
  public static Map<String, String> findings(JsonObject report) {
    Map<String, String> findings = new HashMap<>();
    for (JsonElement image : report.getAsJsonArray("images")) {
      for (JsonElement n : image.getAsJsonObject().getAsJsonArray("nodes")) {
        JsonObject node = n.getAsJsonObject();
        String key =
            node.get("digest").isJsonNull()
                ? image.getAsJsonObject().get("reference").getAsString()
                : node.get("digest").getAsString();
        findings.put(
            key,
            (node.get("finding").getAsString() + " " + node.get("detail").getAsString()).trim());
      }
    }
    return findings;
  }

  /** Just the finding codes ("intact", "missing", ...) per digest. */
  public static Map<String, String> findingCodes(JsonObject report) {
    Map<String, String> codes = new HashMap<>();
    findings(report).forEach((k, v) -> codes.put(k, v.split(" ", 2)[0]));
    return codes;
  }

  public static Set<String> strings(Set<Digest> digests) {
    Set<String> s = new HashSet<>();
    digests.forEach(d -> s.add(d.toString()));
    return s;
  }
}
