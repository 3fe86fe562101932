package io.pubsubclub.wamp.auth;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;

/**
 * Wraps the invocation of a {@link io.pubsubclub.wamp.WampProcedure procedure} on the
 * call executor: sets up what the procedure runs in (Spring Security's context, see
 * {@link SecurityContextWampCallInterceptor}) and turns failures it knows into a
 * CALLERROR.
 *
 * @author PubSubClub
 */
public interface WampCallInterceptor {

	/**
	 * Invoke the procedure for the session.
	 * @param session the calling session
	 * @param procedure the bound procedure
	 * @return what the procedure returned
	 * @throws Exception what the procedure threw
	 */
	@Nullable Object invoke(WampSession session, Callable<@Nullable Object> procedure) throws Exception;

	/**
	 * Turn a failure of a procedure (thrown, or the failure of the stage it returned)
	 * into a CALLERROR.
	 * @param session the calling session
	 * @param procedureUri the procedure
	 * @param failure the failure
	 * @return the CALLERROR to answer, or {@code null} to leave the failure as it is
	 */
	default @Nullable WampRpcException translate(WampSession session, String procedureUri, Throwable failure) {
		return null;
	}

}
