package io.pubsubclub.cluster.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.RateLimitedLog;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Checks the {@value LinkAuthenticator#HEADER} token of every upgrade on the cluster
 * port before the WebSocket handshake: a refused request gets HTTP 401 and no
 * WebSocket, so not a single PSC frame; an accepted one gets the proof in its 101.
 * Refusals are logged at WARN, at most {@value #REFUSALS_PER_MINUTE} lines a minute; the
 * rest at DEBUG, counted in the next WARN line.
 *
 * @author PubSubClub
 */
final class AcceptedLinkAuthentication implements HandshakeInterceptor {

	private final LinkAuthenticator authenticator;

	private static final Log logger = LogFactory.getLog(LinkAuthenticator.class);

	static final int REFUSALS_PER_MINUTE = 10;

	private final RateLimitedLog refusals = RateLimitedLog.warn(REFUSALS_PER_MINUTE, Duration.ofMinutes(1))
		.summary((unlogged, total) -> " (HTTP 401)"
				+ ((unlogged > 0) ? "; " + unlogged + " refusals before this one were not logged at WARN" : ""))
		.build();

	AcceptedLinkAuthentication(LinkAuthenticator authenticator) {
		this.authenticator = authenticator;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
			WebSocketHandler wsHandler, Map<String, Object> attributes) {
		List<String> values = request.getHeaders().get(LinkAuthenticator.HEADER);
		LinkAuthenticator.Verdict verdict = this.authenticator.verify(values);
		LinkAuthenticator.Reason refusal = verdict.refusal();
		if (refusal != null) {
			String remote = describe(request.getRemoteAddress());
			this.refusals.log(logger, () -> "Refused cluster link from " + remote + ": " + refusal.tag());
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			response.getHeaders().set("WWW-Authenticate", LinkAuthenticator.HEADER);
			return false;
		}
		response.getHeaders().set(LinkAuthenticator.HEADER, verdict.proof());
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
	}

	private static String describe(@Nullable InetSocketAddress remote) {
		if (remote == null) {
			return "unknown";
		}
		String host = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + remote.getPort();
	}

}
