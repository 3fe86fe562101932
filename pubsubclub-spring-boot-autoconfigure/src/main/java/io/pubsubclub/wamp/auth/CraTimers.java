package io.pubsubclub.wamp.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * What {@link WampCraAuthenticator} does later, on one scheduler that runs only short,
 * non-blocking tasks: answering a wrong signature after a random delay (exponentially
 * distributed with the configured mean, as Autobahn's {@code random.expovariate}, and at
 * most four times the mean; no thread waits through it), and each session's
 * authentication timeout. A scheduler of its own (one daemon thread, {@code wamp-auth-})
 * is shut down by {@link #close()}; a caller's is left running. Once the scheduler
 * refuses work (it is shutting down), a delayed answer is given at once and a timeout is
 * not scheduled.
 *
 * @author PubSubClub
 */
final class CraTimers implements AutoCloseable {

	// the authenticator's category: users configure its logging under that name
	private static final Log logger = LogFactory.getLog(WampCraAuthenticator.class);

	private final ScheduledExecutorService scheduler;

	private final boolean ownScheduler;

	private final SecureRandom random;

	private final WampAuthMetrics metrics;

	private volatile Duration failureDelay = Duration.ofMillis(800);

	CraTimers(ScheduledExecutorService scheduler, boolean ownScheduler, SecureRandom random, WampAuthMetrics metrics) {
		this.scheduler = scheduler;
		this.ownScheduler = ownScheduler;
		this.random = random;
		this.metrics = metrics;
	}

	static ScheduledExecutorService newScheduler() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("wamp-auth-");
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, threads);
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	void setFailureDelay(Duration failureDelay) {
		this.failureDelay = failureDelay;
	}

	/**
	 * Answer a wrong signature's failure after the random delay.
	 */
	CompletionStage<Object> delayed(WampRpcException failure) {
		CompletableFuture<Object> answer = new CompletableFuture<>();
		long delay = delayMillis();
		if (delay <= 0) {
			answer.completeExceptionally(failure);
			return answer;
		}
		try {
			this.scheduler.schedule(() -> answer.completeExceptionally(failure), delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			answer.completeExceptionally(failure);
		}
		return answer;
	}

	long delayMillis() {
		double mean = this.failureDelay.toMillis();
		if (mean <= 0) {
			return 0;
		}
		double delay = -mean * Math.log(1.0 - this.random.nextDouble());
		return (long) Math.min(delay, 4 * mean);
	}

	/**
	 * Run a task unless the session authenticates within the timeout; the task runs on
	 * the scheduler.
	 */
	void startTimeout(WampSession session, WampAuthState state, Duration timeout, Runnable onTimeout) {
		try {
			state.timeout(this.scheduler.schedule(() -> {
				if (state.getAuthentication() == null) {
					this.metrics.count(Outcome.TIMEOUT);
					logger.info("WAMP session " + session.getId() + ": not authenticated within " + timeout
							+ ", closing");
					onTimeout.run();
				}
			}, timeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("WAMP session " + session.getId() + ": authentication timeout not scheduled, shutting down");
		}
	}

	@Override
	public void close() {
		if (this.ownScheduler) {
			this.scheduler.shutdownNow();
		}
	}

}
