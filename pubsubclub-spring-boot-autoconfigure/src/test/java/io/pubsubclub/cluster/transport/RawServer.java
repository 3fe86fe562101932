package io.pubsubclub.cluster.transport;

import java.io.File;
import java.nio.file.Files;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bare JSR-356 server endpoint at {@code /} playing a Python cluster server: it
 * records the frames the latest connection sends and sends what a test gives it.
 */
final class RawServer implements AutoCloseable {

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();

	final BlockingQueue<CloseReason> closes = new LinkedBlockingQueue<>();

	private final Tomcat tomcat = new Tomcat();

	private final File base;

	private volatile Session session;

	private final Consumer<Session> onOpen;

	RawServer(Consumer<Session> onOpen) throws Exception {
		this.onOpen = onOpen;
		this.base = Files.createTempDirectory("raw-server").toFile();
		this.tomcat.setBaseDir(this.base.getAbsolutePath());
		this.tomcat.getEngine().setName("raw-" + System.identityHashCode(this));
		Connector connector = new Connector();
		connector.setPort(0);
		connector.setProperty("address", "127.0.0.1");
		this.tomcat.setConnector(connector);
		Context context = this.tomcat.addContext("", this.base.getAbsolutePath());
		context.addServletContainerInitializer(new WsSci(), null);
		ServerEndpointConfig config = ServerEndpointConfig.Builder.create(RawEndpoint.class, "/")
			.configurator(new ServerEndpointConfig.Configurator() {
				@Override
				public <T> T getEndpointInstance(Class<T> endpointClass) {
					return endpointClass.cast(new RawEndpoint());
				}
			})
			.build();
		context.addServletContainerInitializer((classes, servletContext) -> {
			try {
				((ServerContainer) servletContext.getAttribute(ServerContainer.class.getName())).addEndpoint(config);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}, null);
		Tomcat.addServlet(context, "default", new HttpServlet() {
		});
		context.addServletMappingDecoded("/", "default");
		this.tomcat.start();
	}

	int port() {
		return this.tomcat.getConnector().getLocalPort();
	}

	String address() {
		return "127.0.0.1:" + port();
	}

	void send(String frame) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				this.session.getBasicRemote().sendText(frame);
				return;
			}
			catch (IllegalStateException ex) {
				// an asynchronous send from onOpen (a Python server's 101) whose completion
				// Tomcat has not processed yet, when the peer answered it faster
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(1);
			}
		}
	}

	String next() throws InterruptedException {
		String frame = this.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10s").isNotNull();
		return frame;
	}

	CloseReason awaitClose() throws InterruptedException {
		CloseReason reason = this.closes.poll(10, TimeUnit.SECONDS);
		assertThat(reason).as("a close within 10s").isNotNull();
		return reason;
	}

	void awaitConnection() throws InterruptedException {
		assertThat(this.sessions.poll(10, TimeUnit.SECONDS)).as("a connection within 10s").isNotNull();
	}

	@Override
	public void close() throws Exception {
		this.tomcat.stop();
		this.tomcat.destroy();
		FileSystemUtils.deleteRecursively(this.base);
	}

	final class RawEndpoint extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			RawServer.this.session = session;
			session.addMessageHandler(String.class, new MessageHandler.Whole<String>() {
				@Override
				public void onMessage(String message) {
					RawServer.this.frames.add(message);
				}
			});
			RawServer.this.onOpen.accept(session);
			RawServer.this.sessions.add(session);
		}

		@Override
		public void onClose(Session session, CloseReason closeReason) {
			RawServer.this.closes.add(closeReason);
		}

	}

}
