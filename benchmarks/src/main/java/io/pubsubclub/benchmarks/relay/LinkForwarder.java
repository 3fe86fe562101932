package io.pubsubclub.benchmarks.relay;

import java.util.concurrent.TimeUnit;

import io.pubsubclub.support.OutboundBuffer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Relay A of the bare relay: one WebSocket to relay B, dialled at start-up (retried for a
 * bounded time while B starts), every frame written to it through an outbound buffer.
 */
final class LinkForwarder implements Relay {

	private static final Log logger = LogFactory.getLog(LinkForwarder.class);

	private volatile OutboundBuffer link;

	private final Thread connector;

	LinkForwarder(int port, Fanout fanout) {
		this.connector = new Thread(() -> connect(port, fanout), "link-connector");
		this.connector.setDaemon(true);
		this.connector.start();
	}

	private void connect(int port, Fanout fanout) {
		StandardWebSocketClient client = new StandardWebSocketClient();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (System.nanoTime() < deadline) {
			try {
				WebSocketSession session = client
					.execute(new TextWebSocketHandler() {

						@Override
						public void afterConnectionClosed(WebSocketSession s, CloseStatus status) {
							logger.warn("Link to 127.0.0.1:" + port + " closed: " + status);
						}

					}, "ws://127.0.0.1:" + port + "/link")
					.get(5, TimeUnit.SECONDS);
				this.link = fanout.buffer(session);
				logger.info("Link to 127.0.0.1:" + port + " open");
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
		logger.error("Link to 127.0.0.1:" + port + " could not be opened");
	}

	@Override
	public void forward(String frame) {
		OutboundBuffer link = this.link;
		if (link != null) {
			link.send(frame);
		}
	}

	@Override
	public void close() {
		this.connector.interrupt();
		OutboundBuffer link = this.link;
		if (link != null) {
			link.close();
		}
	}

}
