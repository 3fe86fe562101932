package io.pubsubclub;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Bounds the time this module's tests spend outside the methods that JUnit's own timeout
 * covers. {@code junit.jupiter.execution.timeout.default} bounds test and lifecycle
 * methods, but not extension callbacks: the Spring extension starts and closes the
 * contexts of the {@code @SpringBootTest} classes there, and a hang in a context's start
 * or close was bounded only by the surefire fork's timeout.
 * <p>
 * Registered for every test class by JUnit's extension auto-detection
 * ({@code META-INF/services} and {@code junit-platform.properties}). Every test, template,
 * factory and lifecycle method is timed by JUnit, so it pauses the guard; any other
 * stretch (extension callbacks, test instance creation, the engine's own work between
 * them) longer than {@code pubsubclub.test.hang-limit} (default 5 minutes, a
 * {@link Duration} text such as {@code 30s} or {@code PT5M}) prints every thread's stack
 * to standard error and to {@code target/hang-guard-<time>.txt} and halts the JVM with
 * status 3, which fails the build at once
 * naming the fork ("The forked VM terminated without properly saying goodbye") rather
 * than waiting for the fork's timeout. One daemon thread checks every second.
 */
public final class HangGuard implements InvocationInterceptor {

	static final Duration LIMIT = limit(System.getProperty("pubsubclub.test.hang-limit", "5m"));

	/** Methods JUnit is timing now (a test method and its lifecycle methods nest). */
	private static final AtomicInteger timed = new AtomicInteger();

	/** When the current stretch outside any timed method began, in nanoTime. */
	private static final AtomicLong outsideSince = new AtomicLong(System.nanoTime());

	/** What JUnit ran last, to name where the hang is. */
	private static volatile String last = "the start of the test run";

	static {
		Thread watchdog = new Thread(HangGuard::watch, "test-hang-guard");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	@Override
	public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
			ExtensionContext extensionContext) throws Throwable {
		timed(invocation, extensionContext);
	}

	@Override
	public void interceptTestTemplateMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		timed(invocation, extensionContext);
	}

	@Override
	public <T> T interceptTestFactoryMethod(Invocation<T> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		return timed(invocation, extensionContext);
	}

	@Override
	public void interceptBeforeAllMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		timed(invocation, extensionContext);
	}

	@Override
	public void interceptBeforeEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		timed(invocation, extensionContext);
	}

	@Override
	public void interceptAfterEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		timed(invocation, extensionContext);
	}

	@Override
	public void interceptAfterAllMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		timed(invocation, extensionContext);
	}

	private static <T> T timed(Invocation<T> invocation, ExtensionContext context) throws Throwable {
		last = context.getUniqueId();
		timed.incrementAndGet();
		try {
			return invocation.proceed();
		}
		finally {
			if (timed.decrementAndGet() == 0) {
				outsideSince.set(System.nanoTime());
			}
		}
	}

	private static void watch() {
		while (true) {
			try {
				Thread.sleep(1000);
			}
			catch (InterruptedException ex) {
				return;
			}
			long outside = System.nanoTime() - outsideSince.get();
			if (timed.get() == 0 && outside > LIMIT.toNanos()) {
				halt(Duration.ofNanos(outside));
			}
		}
	}

	private static void halt(Duration outside) {
		StringBuilder dump = new StringBuilder();
		dump.append("HANG: ")
			.append(outside.toSeconds())
			.append(" s outside any timed test method (pubsubclub.test.hang-limit=")
			.append(LIMIT)
			.append("), in an extension callback such as a Spring context starting or closing; last timed: ")
			.append(last)
			.append(". Halting the test JVM. Threads:\n");
		for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
			dump.append(info);
		}
		// the fork's standard streams are surefire's channel, whose report of a test is
		// written when the test ends: never, here. So the dump goes to a file in target/
		// as well, and to the process's own standard error.
		Path file = Path.of("target", "hang-guard-" + System.currentTimeMillis() + ".txt").toAbsolutePath();
		try {
			Files.writeString(file, dump);
			dump.insert(0, "HANG: thread dump in " + file + "\n");
		}
		catch (IOException | RuntimeException ex) {
			// the dump still goes to the streams
		}
		PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		stderr.println(dump);
		System.err.println(dump);
		System.err.flush();
		Runtime.getRuntime().halt(3);
	}

	static Duration limit(String text) {
		String trimmed = text.trim();
		if (trimmed.startsWith("P") || trimmed.startsWith("p")) {
			return Duration.parse(trimmed);
		}
		char unit = trimmed.charAt(trimmed.length() - 1);
		long amount = Long.parseLong(trimmed.substring(0, trimmed.length() - 1));
		return switch (unit) {
			case 's' -> Duration.ofSeconds(amount);
			case 'm' -> Duration.ofMinutes(amount);
			case 'h' -> Duration.ofHours(amount);
			default -> throw new IllegalArgumentException("pubsubclub.test.hang-limit: not a duration: " + text);
		};
	}

}
