package io.pubsubclub.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.socket.server.RequestUpgradeStrategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The lean transport drives Tomcat internals only on the Tomcat versions it was tested
 * on; elsewhere the fallback strategy serves every handshake, said once in a WARN.
 */
@ExtendWith(OutputCaptureExtension.class)
class TomcatUpgradeStrategyVersionTests {

	@Test
	void testedTomcatVersionUsesTheLeanTransportWithoutAWarning(CapturedOutput output) {
		try (TomcatUpgradeStrategy strategy = strategy("11.0.22.0")) {
			assertThat(strategy.isLeanTransportUsed()).isTrue();
		}
		assertThat(output).doesNotContain("outside the versions");
	}

	@Test
	void runningTomcatIsATestedOne() {
		try (TomcatUpgradeStrategy strategy = new TomcatUpgradeStrategy(1024, 1024, Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ZERO, mock(RequestUpgradeStrategy.class))) {
			assertThat(strategy.isLeanTransportUsed()).as(org.apache.catalina.util.ServerInfo.getServerNumber())
				.isTrue();
		}
	}

	@Test
	void otherTomcatVersionsFallBackWithOneWarning(CapturedOutput output) {
		for (String version : new String[] { "12.0.0.0", "11.1.0.0", "10.1.30.0" }) {
			try (TomcatUpgradeStrategy strategy = strategy(version)) {
				assertThat(strategy.isLeanTransportUsed()).as(version).isFalse();
			}
			assertThat(output).containsOnlyOnce("Tomcat " + version + " is outside the versions");
		}
	}

	@Test
	void noTomcatFallsBackQuietly(CapturedOutput output) {
		try (TomcatUpgradeStrategy strategy = strategy(null)) {
			assertThat(strategy.isLeanTransportUsed()).isFalse();
		}
		assertThat(output).doesNotContain("outside the versions");
	}

	private static TomcatUpgradeStrategy strategy(String version) {
		return new TomcatUpgradeStrategy(1024, 1024, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO,
				mock(RequestUpgradeStrategy.class), version);
	}

}
