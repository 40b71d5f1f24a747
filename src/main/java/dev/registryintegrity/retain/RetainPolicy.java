package dev.registryintegrity.retain;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.registryintegrity.InputException;
import dev.registryintegrity.InputFiles;
import dev.registryintegrity.model.Durations;
import dev.registryintegrity.model.InvalidValueException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rules per repository, from a {@code --policy} file (JSON): each entry names repositories by a
 * glob ({@code *} within a path component, {@code **} across them) and its keep rules; the first
 * entry that matches a repository decides for it, and a repository no entry matches takes the
 * command line's rules.
 *
 * <pre>{@code
 * {"repositories": [
 *   {"match": "infra/**", "keepNewest": 10, "keepTags": ["^v[0-9]"], "keepYoungerThan": "30d"},
 *   {"match": "**", "keepNewest": 3}
 * ]}
 * }</pre>
 */
public record RetainPolicy(List<RetainPolicy.Rule> rules) {
  /** A build time older than this is not a retention age but a typo. */
  static final Duration MAX_AGE = Duration.ofDays(3650);

  private static final Set<String> FIELDS =
      Set.of("match", "keepNewest", "keepTags", "keepYoungerThan");

  public record Rule(String match, PathMatcher matcher, KeepRules keep) {}

  public RetainPolicy {
    rules = List.copyOf(rules);
  }

  public static RetainPolicy none() {
    return new RetainPolicy(List.of());
  }

  /**
   * The rules that decide for {@code repository}: the first entry matching it, else {@code rest}.
   */
  KeepRules forRepository(String repository, KeepRules rest) {
    return rules.stream()
        .filter(r -> r.matcher().matches(Path.of(repository)))
        .map(Rule::keep)
        .findFirst()
        .orElse(rest);
  }

  /**
   * Refuses a run in which a repository would have no rule at all (no entry matches it and the
   * command line gives none): every image of it would go, which nobody means.
   */
  public void requireRulesFor(List<String> repositories, KeepRules rest) {
    for (String repository : repositories) {
      if (forRepository(repository, rest).isEmpty()) {
        throw new InputException(
            "retain "
                + repository
                + ": no --policy entry matches it and the command line gives no keep rule, so"
                + " every image would go: end the policy with {\"match\": \"**\", ...} or add"
                + " --keep-newest, --keep-tag or --keep-younger-than");
      }
    }
  }

  public static RetainPolicy read(Path file) {
    String what = "--policy " + file;
    JsonElement root;
    try {
      root = JsonParser.parseString(InputFiles.readText("--policy", file, InputFiles.SMALL));
    } catch (JsonParseException e) {
      throw new InputException(what + " is not JSON: write {\"repositories\": [{\"match\": ...}]}");
    }
    if (!root.isJsonObject()
        || !root.getAsJsonObject().has("repositories")
        || !root.getAsJsonObject().get("repositories").isJsonArray()) {
      throw new InputException(
          what + " has no \"repositories\" list: write {\"repositories\": [{\"match\": ...}]}");
    }
    List<Rule> rules = new ArrayList<>();
    JsonArray entries = root.getAsJsonObject().getAsJsonArray("repositories");
    for (int i = 0; i < entries.size(); i++) {
      rules.add(rule(what + " repositories[" + i + "]", entries.get(i)));
    }
    return new RetainPolicy(rules);
  }

  private static Rule rule(String where, JsonElement element) {
    if (!element.isJsonObject()) {
      throw new InputException(where + " is not an object");
    }
    JsonObject o = element.getAsJsonObject();
    for (String key : o.keySet()) {
      if (!FIELDS.contains(key)) {
        throw new InputException(where + " has an unknown field '" + key + "': use " + FIELDS);
      }
    }
    String match =
        text(o, "match", where)
            .orElseThrow(() -> new InputException(where + " has no \"match\" glob"));
    PathMatcher matcher;
    try {
      matcher = FileSystems.getDefault().getPathMatcher("glob:" + match);
    } catch (IllegalArgumentException e) {
      throw new InputException(where + ".match '" + match + "' is not a glob");
    }
    Optional<Integer> newest = Optional.empty();
    if (o.has("keepNewest")) {
      JsonElement n = o.get("keepNewest");
      // 1.9 is not 1: a count given as a fraction is a mistake to name, not to round.
      if (!n.isJsonPrimitive()
          || !n.getAsJsonPrimitive().isNumber()
          || !n.getAsString().matches("[1-9][0-9]{0,8}")) {
        throw new InputException(
            where + ".keepNewest is " + n + ": give a whole number of at least 1, e.g. 10");
      }
      newest = Optional.of(Integer.parseInt(n.getAsString()));
    }
    List<Pattern> tags = new ArrayList<>();
    if (o.has("keepTags")) {
      if (!o.get("keepTags").isJsonArray()) {
        throw new InputException(where + ".keepTags is not a list of regular expressions");
      }
      for (JsonElement t : o.getAsJsonArray("keepTags")) {
        if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
          throw new InputException(
              where + ".keepTags holds " + t + ": each entry is a regular expression string");
        }
        tags.add(pattern(where + ".keepTags", t.getAsString()));
      }
    }
    Optional<Duration> younger =
        text(o, "keepYoungerThan", where).map(d -> age(where + ".keepYoungerThan", d));
    KeepRules keep = new KeepRules(newest, tags, younger);
    if (keep.isEmpty()) {
      throw new InputException(
          where + " keeps nothing: give keepNewest, keepTags or keepYoungerThan");
    }
    return new Rule(match, matcher, keep);
  }

  private static Optional<String> text(JsonObject o, String key, String where) {
    if (!o.has(key)) {
      return Optional.empty();
    }
    JsonElement e = o.get(key);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new InputException(where + "." + key + " is not a string");
    }
    return Optional.of(e.getAsString());
  }

  /** A tag rule: a regular expression found anywhere in the tag. */
  public static Pattern pattern(String what, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InputException(
          what + " '" + regex + "' is not a regular expression: " + e.getDescription());
    }
  }

  /** A retention age: "30d", "12h", "90d". */
  public static Duration age(String what, String text) {
    try {
      return Durations.parse(what, text, MAX_AGE);
    } catch (InvalidValueException e) {
      throw new InputException(e.getMessage());
    }
  }
}
