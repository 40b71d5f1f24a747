package dev.registryintegrity.watch;

/**
 * One tag of one repository: what the receiver checks, the journal remembers and the metrics
 * report. Ordered by repository, then tag, so an exposition lists a repository's tags together.
 */
record TagKey(String repository, String tag) implements Comparable<TagKey> {
  @Override
  public int compareTo(TagKey o) {
    int c = repository.compareTo(o.repository);
    return c != 0 ? c : tag.compareTo(o.tag);
  }
}
