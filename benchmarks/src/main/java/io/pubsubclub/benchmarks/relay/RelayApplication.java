package io.pubsubclub.benchmarks.relay;

import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * The relays the cluster hop is compared with, on the same stack as a PubSubClub node
 * (Spring Boot, Tomcat, Spring WebSocket, the project's {@code OutboundBuffer} toward each
 * subscriber), with no protocol of their own. Each runs as its own JVM in one of four shapes:
 * <ul>
 * <li>{@code --relay.kind=redis --relay.role=in}: each text frame received on {@code /ws} is
 * PUBLISHed on a Redis channel (Lettuce, asynchronous);</li>
 * <li>{@code --relay.kind=redis --relay.role=out}: a Redis subscriber writes each message to
 * every session on {@code /ws};</li>
 * <li>{@code --relay.kind=bare --relay.role=in}: each text frame received on {@code /ws} is
 * written on the one WebSocket that relay B opened to this relay's {@code /link};</li>
 * <li>{@code --relay.kind=bare --relay.role=out}: dials relay A's {@code /link} and writes
 * each frame received on it to every session on {@code /ws}.</li>
 * <li>{@code --relay.kind=echo --relay.role=both}: one JVM, no hop: each text frame received
 * on {@code /ws} is written to every session on {@code /sub}. The floor of the load program,
 * Tomcat and the machine, against which the other systems' latency is read.</li>
 * </ul>
 * Frames pass unchanged: what the publisher sends is what the subscribers receive.
 */
@SpringBootApplication
@EnableWebSocket
public class RelayApplication implements WebSocketConfigurer {

	private final String kind;

	private final String role;

	private final int redisPort;

	private final int linkPort;

	RelayApplication(@Value("${relay.kind}") String kind, @Value("${relay.role}") String role,
			@Value("${relay.redis-port:0}") int redisPort, @Value("${relay.link-port:0}") int linkPort) {
		this.kind = kind;
		this.role = role;
		this.redisPort = redisPort;
		this.linkPort = linkPort;
	}

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(RelayApplication.class);
		// the relays must not serve PubSubClub's own endpoint, which is on this class path
		application.setDefaultProperties(Map.of("pubsubclub.wamp.enabled", "false"));
		application.run(args);
	}

	/**
	 * With {@code --relay.socket-buffer=N}, Tomcat's per-connection NIO read and write
	 * buffers get N bytes instead of 8 KB each: an experiment on the heap an idle
	 * WebSocket connection costs on Tomcat.
	 */
	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> socketBuffers(
			@Value("${relay.socket-buffer:0}") int socketBuffer) {
		return (factory) -> {
			if (socketBuffer > 0) {
				factory.addConnectorCustomizers((connector) -> {
					connector.setProperty("socket.appReadBufSize", Integer.toString(socketBuffer));
					connector.setProperty("socket.appWriteBufSize", Integer.toString(socketBuffer));
				});
			}
		};
	}

	@Bean
	Fanout fanout() {
		return new Fanout();
	}

	@Bean(destroyMethod = "close")
	Relay relay(Fanout fanout) {
		if ("redis".equals(this.kind)) {
			return "in".equals(this.role) ? new RedisPublisher(this.redisPort) : new RedisSubscriber(this.redisPort, fanout);
		}
		if ("echo".equals(this.kind)) {
			return fanout::deliver;
		}
		if ("bare".equals(this.kind)) {
			return "in".equals(this.role) ? new LinkEnd(fanout) : new LinkDialer(this.linkPort, fanout);
		}
		throw new IllegalArgumentException("relay.kind must be redis, bare or echo, not " + this.kind);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		if ("in".equals(this.role)) {
			Relay relay = relay(fanout());
			registry.addHandler(new InboundHandler(relay), "/ws");
			if (relay instanceof LinkEnd link) {
				registry.addHandler(link, "/link");
			}
		}
		else if ("both".equals(this.role)) {
			registry.addHandler(new InboundHandler(relay(fanout())), "/ws");
			registry.addHandler(new SubscriberHandler(fanout()), "/sub");
		}
		else if ("out".equals(this.role)) {
			relay(fanout());
			registry.addHandler(new SubscriberHandler(fanout()), "/ws");
		}
		else {
			throw new IllegalArgumentException("relay.role must be in, out or both, not " + this.role);
		}
	}

}
