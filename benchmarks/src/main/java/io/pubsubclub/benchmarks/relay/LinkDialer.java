package io.pubsubclub.benchmarks.relay;

import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Relay B of the bare relay: dials relay A's {@code /link} at start-up (retried for a
 * bounded time while A starts) and writes every frame received on it to the subscribers.
 */
final class LinkDialer implements Relay {

	private static final Log logger = LogFactory.getLog(LinkDialer.class);

	private final Thread connector;

	private volatile WebSocketSession session;

	LinkDialer(int port, Fanout fanout) {
		this.connector = new Thread(() -> connect(port, fanout), "link-connector");
		this.connector.setDaemon(true);
		this.connector.start();
	}

	private void connect(int port, Fanout fanout) {
		StandardWebSocketClient client = new StandardWebSocketClient();
		TextWebSocketHandler handler = new TextWebSocketHandler() {

			@Override
			protected void handleTextMessage(WebSocketSession s, TextMessage message) {
				fanout.deliver(message.getPayload());
			}

			@Override
			public void afterConnectionClosed(WebSocketSession s, CloseStatus status) {
				logger.warn("Link to 127.0.0.1:" + port + " closed: " + status);
			}

		};
		// like a cluster link, redial a lost link (bounded: the harness runs for minutes)
		long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
		while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
			try {
				WebSocketSession session = this.session;
				if (session == null || !session.isOpen()) {
					this.session = client.execute(handler, "ws://127.0.0.1:" + port + "/link").get(5, TimeUnit.SECONDS);
					logger.info("Link to 127.0.0.1:" + port + " open");
				}
				Thread.sleep(250);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (Exception ex) {
				try {
					Thread.sleep(250);
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
		}
	}

	@Override
	public void forward(String frame) {
	}

	@Override
	public void close() {
		this.connector.interrupt();
		WebSocketSession session = this.session;
		if (session != null) {
			try {
				session.close();
			}
			catch (java.io.IOException ex) {
				// best effort at shutdown
			}
		}
	}

}
