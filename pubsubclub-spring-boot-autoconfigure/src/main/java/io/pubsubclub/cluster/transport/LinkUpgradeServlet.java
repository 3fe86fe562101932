package io.pubsubclub.cluster.transport;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.RequestUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * The cluster server's only servlet: upgrades requests for {@code /} to a cluster link;
 * nothing else is served.
 *
 * @author PubSubClub
 */
final class LinkUpgradeServlet extends HttpServlet {

	private final transient java.util.function.Supplier<LinkHandler> handler;

	private final transient RequestUpgradeStrategy upgrade;

	private final transient List<HandshakeInterceptor> interceptors;

	private transient @Nullable WebSocketHttpRequestHandler requestHandler;

	LinkUpgradeServlet(java.util.function.Supplier<LinkHandler> handler, RequestUpgradeStrategy upgrade,
			List<HandshakeInterceptor> interceptors) {
		this.handler = handler;
		this.upgrade = upgrade;
		this.interceptors = interceptors;
	}

	@Override
	public void init() {
		this.requestHandler = new WebSocketHttpRequestHandler(this.handler.get(),
				new DefaultHandshakeHandler(this.upgrade));
		this.requestHandler.setHandshakeInterceptors(this.interceptors);
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response)
			throws ServletException, IOException {
		WebSocketHttpRequestHandler requestHandler = this.requestHandler;
		if (requestHandler == null || !"/".equals(request.getRequestURI())) {
			response.sendError(HttpServletResponse.SC_NOT_FOUND);
			return;
		}
		requestHandler.handleRequest(request, response);
	}

}
