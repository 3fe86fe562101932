package io.pubsubclub.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WampConnectionBufferEnvironmentPostProcessor}. The system property it
 * sets is restored after each test: other tests share the JVM.
 */
class WampConnectionBufferEnvironmentPostProcessorTests {

	private static final String DEFAULT_BUFFER_SIZE = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	private final List<String> infos = new ArrayList<>();

	private final WampConnectionBufferEnvironmentPostProcessor processor = new WampConnectionBufferEnvironmentPostProcessor(
			(destination) -> new RecordingLog(this.infos));

	private String saved;

	@BeforeEach
	void clearSystemProperty() {
		this.saved = System.clearProperty(DEFAULT_BUFFER_SIZE);
	}

	@AfterEach
	void restoreSystemProperty() {
		if (this.saved != null) {
			System.setProperty(DEFAULT_BUFFER_SIZE, this.saved);
		}
		else {
			System.clearProperty(DEFAULT_BUFFER_SIZE);
		}
	}

	@Test
	void setsTheSystemPropertyWhenAbsent() {
		this.processor.postProcessEnvironment(environment("pubsubclub.wamp.connection-buffer-size", "1KB"),
				servletApplication());
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isEqualTo("1024");
		assertThat(this.infos).singleElement()
			.asString()
			.contains(DEFAULT_BUFFER_SIZE + "=1024")
			.contains("pubsubclub.wamp.connection-buffer-size=1024B");
	}

	@Test
	void leavesASystemPropertyThatIsSetAlone() {
		System.setProperty(DEFAULT_BUFFER_SIZE, "4096");
		this.processor.postProcessEnvironment(environment("pubsubclub.wamp.connection-buffer-size", "1KB"),
				servletApplication());
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isEqualTo("4096");
		assertThat(this.infos).isEmpty();
	}

	@Test
	void doesNothingWithoutTheProperty() {
		this.processor.postProcessEnvironment(new StandardEnvironment(), servletApplication());
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isNull();
		assertThat(this.infos).isEmpty();
	}

	@Test
	void doesNothingForASizeOutOfBounds() {
		this.processor.postProcessEnvironment(environment("pubsubclub.wamp.connection-buffer-size", "100B"),
				servletApplication());
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isNull();
	}

	@Test
	void doesNothingOutsideAServletApplication() {
		SpringApplication application = new SpringApplication();
		application.setWebApplicationType(WebApplicationType.NONE);
		this.processor.postProcessEnvironment(environment("pubsubclub.wamp.connection-buffer-size", "1KB"),
				application);
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isNull();
	}

	@Test
	void setsTheSystemPropertyEvenWhenTheWampEndpointIsNotServed() {
		StandardEnvironment environment = environment("pubsubclub.wamp.connection-buffer-size", "2KB");
		environment.getPropertySources()
			.addFirst(new MapPropertySource("off", Map.of("pubsubclub.wamp.enabled", "false")));
		this.processor.postProcessEnvironment(environment, servletApplication());
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isEqualTo("2048");
	}

	private static StandardEnvironment environment(String name, String value) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(name, value)));
		return environment;
	}

	private static SpringApplication servletApplication() {
		SpringApplication application = new SpringApplication();
		application.setWebApplicationType(WebApplicationType.SERVLET);
		return application;
	}

	private static final class RecordingLog extends NoOpLog {

		private final List<String> infos;

		RecordingLog(List<String> infos) {
			this.infos = infos;
		}

		@Override
		public void info(Object message) {
			this.infos.add(String.valueOf(message));
		}

	}

}
