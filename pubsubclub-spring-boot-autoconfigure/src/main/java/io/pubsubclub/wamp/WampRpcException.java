package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link WampProcedure procedure} to answer the CALL with a CALLERROR of its
 * own error URI, description and optional details (any value Jackson can write).
 *
 * @author PubSubClub
 */
public class WampRpcException extends RuntimeException {

	private final String errorUri;

	private final transient @Nullable Object details;

	public WampRpcException(String errorUri, String errorDesc) {
		this(errorUri, errorDesc, null);
	}

	public WampRpcException(String errorUri, String errorDesc, @Nullable Object details) {
		super(errorDesc);
		this.errorUri = errorUri;
		this.details = details;
	}

	/**
	 * Return the error URI of the CALLERROR.
	 * @return the error URI
	 */
	public String getErrorUri() {
		return this.errorUri;
	}

	/**
	 * Return the details of the CALLERROR; when {@code null} the CALLERROR has no details
	 * element.
	 * @return the details or {@code null}
	 */
	public @Nullable Object getDetails() {
		return this.details;
	}

}
