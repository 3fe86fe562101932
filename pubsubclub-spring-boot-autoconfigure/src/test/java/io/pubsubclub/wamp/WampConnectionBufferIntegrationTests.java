package io.pubsubclub.wamp;

import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletContext;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.connector.Connector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.RestoredSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application on Tomcat with {@code pubsubclub.wamp.connection-buffer-size=1KB}: the
 * connector's socket buffers, the servlet context's WebSocket message buffers and the
 * JVM-wide {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE} are all small, and a
 * WAMP event bigger than every one of them still arrives intact.
 * <p>
 * Tagged {@code own-jvm}: Tomcat reads {@code DEFAULT_BUFFER_SIZE} once per JVM, so the
 * build runs this class in a JVM of its own, where no Tomcat WebSocket class has loaded
 * before the application starts (and where the small buffers cannot leak into other
 * tests).
 */
@Tag("own-jvm")
@SpringBootTest(classes = { WampTestApplication.class, WampConnectionBufferIntegrationTests.WholeMessages.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.connection-buffer-size=1KB" })
class WampConnectionBufferIntegrationTests {

	private static final String DEFAULT_BUFFER_SIZE = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	@RegisterExtension
	static final RestoredSystemProperty defaultBufferSize = new RestoredSystemProperty(DEFAULT_BUFFER_SIZE);

	@LocalServerPort
	int port;

	@Autowired
	ServletWebServerApplicationContext context;

	@Autowired
	ServletContext servletContext;

	@Autowired
	WampServer server;

	@Test
	void connectorHasSmallSocketBuffers() {
		Connector connector = ((TomcatWebServer) this.context.getWebServer()).getTomcat().getConnector();
		assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("1024");
		assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("1024");
	}

	@Test
	void serverContainerHasSmallMessageBuffers() {
		ServerContainer container = serverContainer(this.servletContext);
		assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(512);
		assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1024);
	}

	@Test
	void tomcatReadTheJvmWideBufferSize() {
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isEqualTo("1024");
		// a new container's defaults come from the value Tomcat read at class initialisation
		assertThat(ContainerProvider.getWebSocketContainer().getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1024);
	}

	@Test
	void wampSessionOnTheStartersTransportHasNoContainerTextBuffer() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "b", "http://example.com/rpc#textBuffer");
			JsonNode result = client.next();
			assertThat(result.get(0).intValue()).isEqualTo(3);
			assertThat(result.get(2).intValue()).isEqualTo(-1);
		}
	}

	@Test
	void eventBiggerThanEveryBufferArrivesIntact() throws Exception {
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			String topic = "http://example.com/buffers#" + UUID.randomUUID();
			subscriber.send(5, topic);
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == 1);
			// ASCII with two-, three- and four-byte UTF-8 characters, so that parts split them
			String event = "aé€\uD83D\uDE00".repeat(2000);
			assertThat(event.length()).isGreaterThan(8 * 1024);
			publisher.send(7, topic, event);
			assertThat(subscriber.next().get(2).stringValue()).isEqualTo(event);
			publisher.send(7, topic, "small after large");
			assertThat(subscriber.next().get(2).stringValue()).isEqualTo("small after large");
			assertThat(publisher.isOpen()).isTrue();
			assertThat(subscriber.isOpen()).isTrue();
		}
	}

	@Test
	void endpointTakingWholeMessagesClosesWith1009OnAMessageOverItsTextBuffer() throws Exception {
		BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
		BlockingQueue<CloseStatus> closes = new LinkedBlockingQueue<>();
		WebSocketSession session = new StandardWebSocketClient().execute(new TextWebSocketHandler() {

			@Override
			protected void handleTextMessage(WebSocketSession session, TextMessage message) {
				echoes.add(message.getPayload());
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				closes.add(status);
			}

		}, "ws://127.0.0.1:" + this.port + "/whole").get(10, TimeUnit.SECONDS);
		try {
			session.sendMessage(new TextMessage("x".repeat(512)));
			assertThat(echoes.poll(10, TimeUnit.SECONDS)).hasSize(512);
			session.sendMessage(new TextMessage("x".repeat(513)));
			CloseStatus status = closes.poll(10, TimeUnit.SECONDS);
			assertThat(status).isNotNull();
			assertThat(status.getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
		finally {
			if (session.isOpen()) {
				session.close();
			}
		}
	}

	@Test
	void contextParametersTheApplicationSetWin() {
		try (ConfigurableApplicationContext other = new SpringApplicationBuilder(WampTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "pubsubclub.wamp.connection-buffer-size=1KB",
					"server.servlet.context-parameters.org.apache.tomcat.websocket.textBufferSize=3000")
			.run()) {
			ServerContainer container = serverContainer(((WebApplicationContext) other).getServletContext());
			assertThat(container.getDefaultMaxTextMessageBufferSize()).isEqualTo(3000);
			assertThat(container.getDefaultMaxBinaryMessageBufferSize()).isEqualTo(1024);
		}
	}

	private static ServerContainer serverContainer(@Nullable ServletContext servletContext) {
		assertThat(servletContext).isNotNull();
		Object container = servletContext.getAttribute(ServerContainer.class.getName());
		assertThat(container).isInstanceOf(ServerContainer.class);
		return (ServerContainer) container;
	}

	/**
	 * An endpoint of the application that takes whole messages, unlike the WAMP handler.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class WholeMessages implements WebSocketConfigurer {

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			registry.addHandler(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
					session.sendMessage(message);
				}

			}, "/whole");
		}

	}

}
