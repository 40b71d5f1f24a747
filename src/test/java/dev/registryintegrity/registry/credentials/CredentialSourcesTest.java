package dev.registryintegrity.registry.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registryintegrity.InputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialSourcesTest {
  @TempDir Path home;

  private static String auth(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", home.toString());
    env.put("PATH", home.resolve("bin") + ":/usr/bin:/bin");
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  private void dockerConfig(String json) throws Exception {
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), json);
  }

  private static String user(CredentialStore store, String registry) {
    return store.find(registry).map(Credentials::username).orElse("-");
  }

  @Test
  void explicitThenDockerAuthConfigThenDockerConfigThenPodmanAuthFile() throws Exception {
    dockerConfig(
        "{\"auths\":{\"a.example\":{\"auth\":\""
            + auth("from-file", "x")
            + "\"},"
            + "\"b.example\":{\"auth\":\""
            + auth("from-file", "x")
            + "\"},\"c.example\":{\"username\":\"from-file\",\"password\":\"y\"}}}");
    Path podman =
        Files.writeString(
            home.resolve("auth.json"),
            "{\"auths\":{\"d.example\":{\"auth\":\""
                + auth("from-podman", "z")
                + "\"},"
                + "\"c.example\":{\"auth\":\""
                + auth("from-podman", "z")
                + "\"}}}");
    Map<String, String> env =
        env(
            "DOCKER_AUTH_CONFIG",
            "{\"auths\":{\"b.example\":{\"auth\":\"" + auth("from-env", "w") + "\"}}}",
            "REGISTRY_AUTH_FILE",
            podman.toString());
    CredentialStore store = CredentialSources.standard(Optional.empty(), env);
    assertEquals("from-file", user(store, "a.example"));
    assertEquals("from-env", user(store, "b.example"));
    assertEquals("from-file", user(store, "c.example"));
    assertEquals("from-podman", user(store, "d.example"));
    assertEquals("-", user(store, "e.example"));
    CredentialStore explicit =
        CredentialSources.standard(Optional.of(new Credentials("cli", "p", "--password")), env);
    assertEquals("cli", user(explicit, "b.example"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "https://index.docker.io/v1/"
      })
  void dockerHubAliasesAllFindTheDockerHubEntry(String key) throws Exception {
    dockerConfig("{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth("hub", "x") + "\"}}}");
    CredentialStore store = CredentialSources.standard(Optional.empty(), env());
    for (String asked : new String[] {"docker.io", "registry-1.docker.io", "index.docker.io"}) {
      assertEquals("hub", user(store, asked), key + " asked as " + asked);
    }
  }

  @Test
  void dockerConfigEnvironmentVariableNamesTheDirectory() throws Exception {
    Path dir = Files.createDirectories(home.resolve("elsewhere"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"auths\":{\"x.example\":{\"auth\":\"" + auth("elsewhere", "x") + "\"}}}");
    assertEquals(
        "elsewhere",
        user(
            CredentialSources.standard(Optional.empty(), env("DOCKER_CONFIG", dir.toString())),
            "x.example"));
  }

  @Test
  void identityTokenIsSentAsThePasswordOfTheTokenUser() throws Exception {
    dockerConfig(
        "{\"auths\":{\"acr.example\":{\"auth\":\"\",\"identitytoken\":\"refresh-token\"}}}");
    Credentials c =
        CredentialSources.standard(Optional.empty(), env()).find("acr.example").orElseThrow();
    assertEquals("<token>", c.username());
    assertEquals("refresh-token", c.password());
  }

  @Test
  void podmanAuthFileUnderXdgRuntimeDirIsFound() throws Exception {
    Path runtime = Files.createDirectories(home.resolve("run/containers"));
    Files.writeString(
        runtime.resolve("auth.json"),
        "{\"auths\":{\"q.example\":{\"auth\":\"" + auth("podman", "x") + "\"}}}");
    assertEquals(
        "podman",
        user(
            CredentialSources.standard(
                Optional.empty(), env("XDG_RUNTIME_DIR", home.resolve("run").toString())),
            "q.example"));
  }

  @Test
  void credentialHelperIsRunWithTheProtocolDockerUses() throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path helper = bin.resolve("docker-credential-fake");
    // A real helper program: reads the server on stdin, answers JSON, exits 1 for unknown servers.
    Files.writeString(
        helper,
        "#!/bin/sh\nread server\nif [ \"$server\" = \"helped.example\" ]; then\n"
            + "  echo '{\"ServerURL\":\"helped.example\",\"Username\":\"helper-user\",\"Secret\":\"helper-secret\"}'\n"
            + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    dockerConfig(
        "{\"credHelpers\":{\"helped.example\":\"fake\"},\"credsStore\":\"fake\",\"auths\":{}}");
    CredentialStore store = CredentialSources.standard(Optional.empty(), env());
    Credentials c = store.find("helped.example").orElseThrow();
    assertEquals("helper-user", c.username());
    assertEquals("helper-secret", c.password());
    assertTrue(c.source().contains("docker-credential-fake"));
    assertEquals(Optional.empty(), store.find("other.example"));
  }

  @Test
  void aCredentialHelperThatIsNotInstalledIsAUsageErrorNamingIt() throws Exception {
    dockerConfig("{\"credHelpers\":{\"ecr.example\":\"ecr-login\"}}");
    InputException e =
        assertThrows(
            InputException.class,
            () -> CredentialSources.standard(Optional.empty(), env()).find("ecr.example"));
    assertTrue(e.getMessage().contains("docker-credential-ecr-login"), e.getMessage());
    assertTrue(e.getMessage().contains("is not on PATH"), e.getMessage());
  }

  @Test
  void malformedConfigsAreUsageErrorsNamingTheFile() throws Exception {
    dockerConfig("{not json");
    InputException e =
        assertThrows(
            InputException.class, () -> CredentialSources.standard(Optional.empty(), env()));
    assertTrue(e.getMessage().contains(".docker/config.json is not valid JSON"), e.getMessage());
    dockerConfig("{\"auths\":{\"x\":{\"auth\":\"bm9jb2xvbg==\"}}}");
    e =
        assertThrows(
            InputException.class, () -> CredentialSources.standard(Optional.empty(), env()));
    assertTrue(
        e.getMessage().contains("the auth of 'x' is not base64 of user:password"), e.getMessage());
  }

  @Test
  @org.junit.jupiter.api.Timeout(20)
  void aDockerConfigThatIsAPipeIsAUsageErrorNotAHang() throws Exception {
    Files.createDirectories(home.resolve(".docker"));
    Process mkfifo =
        new ProcessBuilder("mkfifo", home.resolve(".docker/config.json").toString()).start();
    assertTrue(
        mkfifo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
    dev.registryintegrity.InputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.registryintegrity.InputException.class,
            () -> user(CredentialSources.standard(Optional.empty(), env()), "x.example"));
    assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
  }

  /** Found by the dockerConfig fuzz target: a helper name went into a path unchecked. */
  @ParameterizedTest
  @ValueSource(strings = {"../../../tmp/evil", "pass/../x", "c\u0000\u0000", "", " pass", "-rf"})
  void credentialHelperNamesThatAreNotProgramSuffixesAreUsageErrors(String name) {
    String json =
        "{\"credHelpers\":{\"registry.example.com\":"
            + new com.google.gson.Gson().toJson(name)
            + "}}";
    dev.registryintegrity.InputException e =
        assertThrows(
            dev.registryintegrity.InputException.class,
            () ->
                DockerConfig.parse(json, "DOCKER_AUTH_CONFIG", Map.of())
                    .find("registry.example.com"));
    assertTrue(e.getMessage().contains("which is not a helper name"), e.getMessage());
  }
}
