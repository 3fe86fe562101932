package io.pubsubclub.wamp.auth;

import java.security.Principal;
import java.util.concurrent.Callable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Runs a procedure with the caller's Spring Security {@link Authentication} (the
 * principal authenticated on the WebSocket handshake) as the security context, so that
 * method security ({@code @PreAuthorize}) and {@code SecurityContextHolder} see the
 * caller, and answers a denial ({@link AccessDeniedException}) with CALLERROR
 * {@value WampCra#ERROR_NOT_AUTHORIZED}. The executor thread's context is restored
 * afterwards.
 *
 * @author PubSubClub
 */
public class SecurityContextWampCallInterceptor implements WampCallInterceptor {

	private static final Log logger = LogFactory.getLog(SecurityContextWampCallInterceptor.class);

	private final SecurityContextHolderStrategy strategy;

	/**
	 * Create an interceptor on the global {@link SecurityContextHolder} strategy.
	 */
	public SecurityContextWampCallInterceptor() {
		this(SecurityContextHolder.getContextHolderStrategy());
	}

	/**
	 * Create an interceptor on a strategy of the application's.
	 * @param strategy the security context holder strategy
	 */
	public SecurityContextWampCallInterceptor(SecurityContextHolderStrategy strategy) {
		this.strategy = strategy;
	}

	@Override
	public @Nullable Object invoke(WampSession session, Callable<@Nullable Object> procedure) throws Exception {
		Principal principal = session.getPrincipal();
		if (!(principal instanceof Authentication authentication)) {
			return procedure.call();
		}
		SecurityContext previous = this.strategy.getContext();
		SecurityContext context = this.strategy.createEmptyContext();
		context.setAuthentication(authentication);
		this.strategy.setContext(context);
		try {
			return procedure.call();
		}
		finally {
			this.strategy.setContext(previous);
		}
	}

	@Override
	public @Nullable WampRpcException translate(WampSession session, String procedureUri, Throwable failure) {
		if (failure instanceof AccessDeniedException) {
			logger.info("WAMP session " + session.getId() + ": CALL " + procedureUri + " denied by method security");
			return new WampRpcException(WampCra.ERROR_NOT_AUTHORIZED, "not authorized to call " + procedureUri);
		}
		return null;
	}

}
