package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pubsubclub.wamp.allowed-origins} on real upgrades: a browser's {@code Origin} is
 * checked before any WAMP session opens.
 */
class WampAllowedOriginsIntegrationTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void listedOriginIsAcceptedAndAnyOtherRefused() throws Exception {
		int port = start("pubsubclub.wamp.allowed-origins=https://chat.example.com,https://ops.example.com");
		assertThat(statusLine(port, "https://chat.example.com")).contains(" 101 ");
		assertThat(statusLine(port, "https://ops.example.com")).contains(" 101 ");
		assertThat(statusLine(port, "https://evil.example.com")).contains(" 403 ");
		assertThat(statusLine(port, "http://chat.example.com")).as("another scheme").contains(" 403 ");
		assertThat(statusLine(port, "https://chat.example.com:8443")).as("another port").contains(" 403 ");
	}

	@Test
	void withNoOriginsListedOnlyTheSameOriginIsAccepted() throws Exception {
		int port = start();
		assertThat(statusLine(port, "http://127.0.0.1:" + port)).contains(" 101 ");
		assertThat(statusLine(port, "https://chat.example.com")).contains(" 403 ");
		assertThat(statusLine(port, "http://127.0.0.1:" + ((port == 65535) ? 1 : port + 1))).contains(" 403 ");
		// a client that is no browser sends no Origin, and is let in
		assertThat(statusLine(port, null)).contains(" 101 ");
	}

	@Test
	void starAcceptsAnyOrigin() throws Exception {
		int port = start("pubsubclub.wamp.allowed-origins=*");
		assertThat(statusLine(port, "https://anywhere.example.org")).contains(" 101 ");
	}

	private int start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"logging.level.root=warn"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WampTestApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	private static String statusLine(int port, String origin) throws Exception {
		try (RawWampSocket socket = new RawWampSocket(port, 65536)) {
			String head = socket.upgrade(origin);
			return head.substring(0, head.indexOf("\r\n"));
		}
	}

}
