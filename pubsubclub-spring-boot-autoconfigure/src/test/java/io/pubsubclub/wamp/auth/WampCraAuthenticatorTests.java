package io.pubsubclub.wamp.auth;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;

import static io.pubsubclub.wamp.WampCraTestSupport.hmac;
import static io.pubsubclub.wamp.WampCraTestSupport.pbkdf2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WAMP-CRA's two procedures on their own, with signatures computed here with the JDK's
 * HMAC and PBKDF2 (not the code under test).
 */
class WampCraAuthenticatorTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final WampCraPermissions JOE_PERMISSIONS = WampCraPermissions
		.fromPatterns(List.of("http://x/chat#*"), List.of("http://x/chat#*"), List.of("http://x/rpc#add"));

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	private final WampAuthMetrics metrics = new WampAuthMetrics();

	private final Map<String, WampCraCredential> users = new ConcurrentHashMap<>(Map.of("joe",
			WampCraCredential.ofSecret("secret123", JOE_PERMISSIONS), "ann",
			WampCraCredential.ofDerivedKey(pbkdf2("annsecret", "pepper", 1000, 32), "pepper", 1000, 32,
					WampCraPermissions.NONE)));

	private final WampCraAuthenticator authenticator = new WampCraAuthenticator(new MapWampCraCredentials(this.users),
			JSON, this.metrics, this.scheduler);

	private final TestSession session = new TestSession();

	WampCraAuthenticatorTests() {
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	@AfterEach
	void stop() {
		this.scheduler.shutdownNow();
	}

	@Test
	void challengeIsTheJsonTextOfAutobahnsChallengeObject() throws Exception {
		String challenge = (String) authreq("joe", Map.of("client", "test"));
		JsonNode info = JSON.readTree(challenge);
		assertThat(info.propertyNames()).containsExactly("authid", "authkey", "timestamp", "sessionid", "extra",
				"permissions");
		assertThat(info.get("authid").stringValue()).matches("[A-Za-z0-9]{16}");
		assertThat(info.get("authkey").stringValue()).isEqualTo("joe");
		assertThat(info.get("timestamp").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
		assertThat(info.get("sessionid").stringValue()).isEqualTo(this.session.getId());
		assertThat(info.get("extra").get("client").stringValue()).isEqualTo("test");
		assertThat(JSON.treeToValue(info.get("permissions"), Map.class)).isEqualTo(JOE_PERMISSIONS.toMap());
		assertThat(this.metrics.get(Outcome.CHALLENGED)).isEqualTo(1);
	}

	@Test
	void rightSignatureAuthenticatesAndAnswersThePermissions() throws Exception {
		String challenge = (String) authreq("joe", null);
		Object permissions = result(this.authenticator.auth(this.session, this.session.state,
				args(hmac("secret123", challenge))));
		assertThat(permissions).isEqualTo(JOE_PERMISSIONS.toMap());
		assertThat(this.session.getCraAuthentication())
			.isEqualTo(new WampCraAuthentication("joe", JOE_PERMISSIONS));
		assertThat(this.metrics.get(Outcome.AUTHENTICATED)).isEqualTo(1);
	}

	@Test
	void saltedSecretChallengeCarriesAuthextraAndIsSignedWithTheDerivedKey() throws Exception {
		String challenge = (String) authreq("ann", null);
		JsonNode authExtra = JSON.readTree(challenge).get("authextra");
		assertThat(authExtra.toString()).isEqualTo("{\"salt\":\"pepper\",\"iterations\":1000,\"keylen\":32}");
		// as AutobahnJS: authsign(challenge, deriveKey(secret, authextra))
		String key = pbkdf2("annsecret", authExtra.get("salt").stringValue(), authExtra.get("iterations").intValue(),
				authExtra.get("keylen").intValue());
		result(this.authenticator.auth(this.session, this.session.state, args(hmac(key, challenge))));
		assertThat(this.session.getCraAuthentication().authKey()).isEqualTo("ann");
	}

	@Test
	void authidIsFreshForEveryRequest() throws Exception {
		String first = (String) authreq("joe", null);
		failure(this.authenticator.auth(this.session, this.session.state, args("wrong")), WampCra.ERROR_INVALID_SIGNATURE);
		String second = (String) authreq("joe", null);
		assertThat(JSON.readTree(second).get("authid")).isNotEqualTo(JSON.readTree(first).get("authid"));
	}

	@Test
	void aChallengeIsGoodForOneTryOnly() throws Exception {
		String challenge = (String) authreq("joe", null);
		failure(this.authenticator.auth(this.session, this.session.state, args("wrong")), WampCra.ERROR_INVALID_SIGNATURE);
		// the right signature of the spent challenge no longer counts
		failure(this.authenticator.auth(this.session, this.session.state, args(hmac("secret123", challenge))),
				WampCra.ERROR_NO_AUTHENTICATION_REQUESTED);
		assertThat(this.session.getCraAuthentication()).isNull();
		assertThat(this.metrics.get(Outcome.INVALID_SIGNATURE)).isEqualTo(1);
	}

	@Test
	void wrongSignaturesOfTheRightLengthAreRefused() throws Exception {
		// a comparison of lengths alone (or of a prefix) passes "wrong"; these differ from
		// the right signature only in content: one character at its start, middle or end,
		// the signature of the same challenge under another key, and that of another
		// challenge under the right key
		this.authenticator.setFailureDelay(Duration.ZERO);
		this.authenticator.setMaxFailures(100);
		List<java.util.function.UnaryOperator<String>> wrongs = List.of((right) -> flip(right, 0),
				(right) -> flip(right, right.length() / 2), (right) -> flip(right, right.length() - 2),
				(right) -> right.toLowerCase(java.util.Locale.ROOT).equals(right) ? flip(right, 1)
						: right.toLowerCase(java.util.Locale.ROOT));
		for (java.util.function.UnaryOperator<String> wrong : wrongs) {
			String challenge = (String) authreq("joe", null);
			String right = hmac("secret123", challenge);
			String signature = wrong.apply(right);
			assertThat(signature).hasSameSizeAs(right).isNotEqualTo(right);
			failure(this.authenticator.auth(this.session, this.session.state, args(signature)),
					WampCra.ERROR_INVALID_SIGNATURE);
		}
		String challenge = (String) authreq("joe", null);
		String otherKey = hmac("secret124", challenge);
		failure(this.authenticator.auth(this.session, this.session.state, args(otherKey)),
				WampCra.ERROR_INVALID_SIGNATURE);
		String spent = (String) authreq("joe", null);
		String otherChallenge = hmac("secret123", spent.replace("\"joe\"", "\"joe\" "));
		assertThat(otherChallenge).hasSameSizeAs(hmac("secret123", spent));
		failure(this.authenticator.auth(this.session, this.session.state, args(otherChallenge)),
				WampCra.ERROR_INVALID_SIGNATURE);
		assertThat(this.session.getCraAuthentication()).isNull();
		assertThat(this.metrics.get(Outcome.INVALID_SIGNATURE)).isEqualTo(wrongs.size() + 2);
		assertThat(this.metrics.get(Outcome.AUTHENTICATED)).isZero();
	}

	private static String flip(String signature, int index) {
		char c = signature.charAt(index);
		char other = (c == 'A') ? 'B' : 'A';
		return signature.substring(0, index) + other + signature.substring(index + 1);
	}

	@Test
	void wrongSignatureIsAnsweredAfterAScheduledDelay() throws Exception {
		this.authenticator.setFailureDelay(Duration.ofMinutes(10));
		authreq("joe", null);
		CompletionStage<Object> answer = this.authenticator.auth(this.session, this.session.state, args("wrong"));
		assertThat(answer.toCompletableFuture()).isNotDone();
		assertThat(this.scheduler.getQueue()).hasSize(1);
		// run the scheduled answer now rather than wait ten minutes
		Runnable scheduled = this.scheduler.getQueue().iterator().next();
		assertThat(this.scheduler.remove(scheduled)).isTrue();
		scheduled.run();
		failure(answer, WampCra.ERROR_INVALID_SIGNATURE);
	}

	@Test
	void delaysAreExponentialAroundTheMeanAndCapped() {
		this.authenticator.setFailureDelay(Duration.ofMillis(800));
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			delays.add(this.authenticator.delayMillis());
		}
		assertThat(delays).allSatisfy((delay) -> assertThat(delay).isBetween(0L, 3200L));
		double mean = delays.stream().mapToLong(Long::longValue).average().orElseThrow();
		// a capped exponential of mean 800 ms has mean ~785 ms; 2000 samples: sigma ~18 ms
		assertThat(mean).isBetween(650.0, 920.0);
		assertThat(delays.stream().filter((d) -> d < 800).count()).isGreaterThan(1000);
	}

	@Test
	void authBeforeAuthreq() {
		failure(this.authenticator.auth(this.session, this.session.state, args("sig")),
				WampCra.ERROR_NO_AUTHENTICATION_REQUESTED);
		assertThat(this.metrics.get(Outcome.OUT_OF_ORDER)).isEqualTo(1);
	}

	@Test
	void authreqTwiceWhileAChallengeIsPending() throws Exception {
		authreq("joe", null);
		failure(this.authenticator.authreq(this.session, this.session.state, args("joe")),
				WampCra.ERROR_AUTHENTICATION_ALREADY_REQUESTED);
	}

	@Test
	void authreqAndAuthAfterSuccess() throws Exception {
		String challenge = (String) authreq("joe", null);
		result(this.authenticator.auth(this.session, this.session.state, args(hmac("secret123", challenge))));
		failure(this.authenticator.authreq(this.session, this.session.state, args("joe")),
				WampCra.ERROR_ALREADY_AUTHENTICATED);
		failure(this.authenticator.auth(this.session, this.session.state, args("x")), WampCra.ERROR_ALREADY_AUTHENTICATED);
	}

	@Test
	void nonStringSignatureIsAnInvalidArgumentAndKeepsTheChallenge() throws Exception {
		String challenge = (String) authreq("joe", null);
		failure(this.authenticator.auth(this.session, this.session.state, List.of(JSON.readTree("42"))),
				WampCra.ERROR_INVALID_ARGUMENT);
		failure(this.authenticator.auth(this.session, this.session.state, List.of(JSON.readTree("{}"))),
				WampCra.ERROR_INVALID_ARGUMENT);
		result(this.authenticator.auth(this.session, this.session.state, args(hmac("secret123", challenge))));
		assertThat(this.metrics.get(Outcome.INVALID_ARGUMENT)).isEqualTo(2);
	}

	@Test
	void nullSignatureIsAWrongSignature() throws Exception {
		authreq("joe", null);
		failure(this.authenticator.auth(this.session, this.session.state, List.of(JSON.nullNode())),
				WampCra.ERROR_INVALID_SIGNATURE);
	}

	@Test
	void unknownAuthKey() {
		failure(this.authenticator.authreq(this.session, this.session.state, args("nobody")),
				WampCra.ERROR_NO_SUCH_AUTHKEY);
		assertThat(this.metrics.get(Outcome.NO_SUCH_AUTHKEY)).isEqualTo(1);
	}

	@Test
	void extraMustBeAnObjectWhenGiven() throws Exception {
		failure(this.authenticator.authreq(this.session, this.session.state,
				List.of(JSON.readTree("\"joe\""), JSON.readTree("[1]"))), WampCra.ERROR_INVALID_ARGUMENT);
		failure(this.authenticator.authreq(this.session, this.session.state,
				List.of(JSON.readTree("\"joe\""), JSON.readTree("\"x\""))), WampCra.ERROR_INVALID_ARGUMENT);
		// Python's falsy values are "no extra", as in Autobahn
		String challenge = (String) result(this.authenticator.authreq(this.session, this.session.state,
				List.of(JSON.readTree("\"joe\""), JSON.readTree("false"))));
		assertThat(JSON.readTree(challenge).get("extra").toString()).isEqualTo("{}");
	}

	@Test
	void authKeyMustBeAStringOfBoundedLength() throws Exception {
		failure(this.authenticator.authreq(this.session, this.session.state, List.of(JSON.readTree("7"))),
				WampCra.ERROR_INVALID_ARGUMENT);
		failure(this.authenticator.authreq(this.session, this.session.state, args("k".repeat(257))),
				WampCra.ERROR_INVALID_ARGUMENT);
		failure(this.authenticator.authreq(this.session, this.session.state,
				List.of(JSON.readTree("\"joe\""), JSON.readTree("{}"), JSON.readTree("{}"))),
				WampCra.ERROR_INVALID_ARGUMENT);
		// none of them started a request
		assertThat(authreq("joe", null)).isNotNull();
	}

	@Test
	void anonymousAuthenticationIsForbidden() {
		failure(this.authenticator.authreq(this.session, this.session.state, List.of()),
				WampCra.ERROR_ANONYMOUS_AUTH_FORBIDDEN);
		failure(this.authenticator.authreq(this.session, this.session.state, List.of(JSON.nullNode())),
				WampCra.ERROR_ANONYMOUS_AUTH_FORBIDDEN);
	}

	@Test
	void failedAttemptsLockTheSessionAtTheLimit() throws Exception {
		this.authenticator.setMaxFailures(3);
		authreq("joe", null);
		failure(this.authenticator.auth(this.session, this.session.state, args("wrong")), WampCra.ERROR_INVALID_SIGNATURE);
		failure(this.authenticator.authreq(this.session, this.session.state, args("nobody")),
				WampCra.ERROR_NO_SUCH_AUTHKEY);
		assertThat(this.session.state.isLocked()).isFalse();
		String challenge = (String) authreq("joe", null);
		failure(this.authenticator.auth(this.session, this.session.state, args("wrong")), WampCra.ERROR_INVALID_SIGNATURE);
		assertThat(this.session.state.isLocked()).isTrue();
		failure(this.authenticator.authreq(this.session, this.session.state, args("joe")),
				WampCra.ERROR_AUTHENTICATION_ALREADY_REQUESTED);
		failure(this.authenticator.auth(this.session, this.session.state, args(hmac("secret123", challenge))),
				WampCra.ERROR_NO_AUTHENTICATION_REQUESTED);
	}

	@Test
	void slowCredentialsLookupHoldsTheRequestOpen() throws Exception {
		CompletableFuture<@Nullable WampCraCredential> lookup = new CompletableFuture<>();
		WampCraAuthenticator slow = new WampCraAuthenticator((key, extra) -> lookup, JSON, this.metrics,
				this.scheduler);
		CompletionStage<Object> challenge = slow.authreq(this.session, this.session.state, args("joe"));
		assertThat(challenge.toCompletableFuture()).isNotDone();
		failure(slow.authreq(this.session, this.session.state, args("joe")),
				WampCra.ERROR_AUTHENTICATION_ALREADY_REQUESTED);
		failure(slow.auth(this.session, this.session.state, args("sig")), WampCra.ERROR_NO_AUTHENTICATION_REQUESTED);
		lookup.complete(WampCraCredential.ofSecret("secret123", JOE_PERMISSIONS));
		String text = (String) result(challenge);
		result(slow.auth(this.session, this.session.state, args(hmac("secret123", text))));
	}

	@Test
	void failingCredentialsLookupIsAnAuthPermissionsErrorAndAllowsAnotherRequest() throws Exception {
		WampCraAuthenticator failing = new WampCraAuthenticator(
				(key, extra) -> CompletableFuture.failedFuture(new IllegalStateException("db down")), JSON,
				this.metrics, this.scheduler);
		WampRpcException error = failure(failing.authreq(this.session, this.session.state, args("joe")),
				WampCra.ERROR_AUTH_PERMISSIONS_ERROR);
		assertThat(error.getMessage()).doesNotContain("db down");
		assertThat(this.metrics.get(Outcome.CREDENTIALS_ERROR)).isEqualTo(1);
		assertThat(authreq("joe", null)).isNotNull();
	}

	@Test
	void timeoutRunsUnlessAuthenticated() throws Exception {
		CountDownLatch fired = new CountDownLatch(1);
		this.authenticator.startTimeout(this.session, this.session.state, Duration.ofMillis(20), fired::countDown);
		assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.metrics.get(Outcome.TIMEOUT)).isEqualTo(1);

		TestSession other = new TestSession();
		this.authenticator.startTimeout(other, other.state, Duration.ofMinutes(10), () -> {
			throw new AssertionError("timed out");
		});
		String challenge = (String) result(this.authenticator.authreq(other, other.state, args("joe")));
		result(this.authenticator.auth(other, other.state, args(hmac("secret123", challenge))));
		await().until(() -> this.scheduler.getQueue().isEmpty());
	}

	@Test
	void loggedAuthKeysAreShortenedAndEscaped() {
		assertThat(CraArguments.shown("joe\n\u0000")).isEqualTo("joe\\u000a\\u0000");
		assertThat(CraArguments.shown("k".repeat(1000))).isEqualTo("k".repeat(64) + "...(1000 chars)");
	}

	private Object authreq(String authKey, @Nullable Map<String, Object> extra) {
		List<JsonNode> arguments = new ArrayList<>(args(authKey));
		if (extra != null) {
			arguments.add(JSON.valueToTree(extra));
		}
		return result(this.authenticator.authreq(this.session, this.session.state, arguments));
	}

	private static List<JsonNode> args(String value) {
		return List.of(JSON.getNodeFactory().stringNode(value));
	}

	private static Object result(CompletionStage<Object> stage) {
		return stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
	}

	private static WampRpcException failure(CompletionStage<Object> stage, String errorUri) {
		Throwable[] failure = new Throwable[1];
		stage.toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).handle((value, ex) -> failure[0] = ex).join();
		Throwable cause = (failure[0] instanceof java.util.concurrent.CompletionException) ? failure[0].getCause()
				: failure[0];
		assertThat(cause).isInstanceOf(WampRpcException.class);
		assertThat(((WampRpcException) cause).getErrorUri()).isEqualTo(errorUri);
		return (WampRpcException) cause;
	}

	static final class TestSession implements WampSession {

		final WampAuthState state = new WampAuthState();

		private final String id = "S" + System.identityHashCode(this);

		@Override
		public String getId() {
			return this.id;
		}

		@Override
		public Map<String, String> getPrefixes() {
			return Map.of();
		}

		@Override
		public Map<String, Object> getAttributes() {
			return Map.of();
		}

		@Override
		public @Nullable Principal getPrincipal() {
			return null;
		}

		@Override
		public @Nullable WampCraAuthentication getCraAuthentication() {
			return this.state.getAuthentication();
		}

		@Override
		public String resolve(String curieOrUri) {
			return curieOrUri;
		}

	}

}
