package io.pubsubclub.cluster;

/**
 * A frame that breaks the PSC protocol; the link is closed with {@link #closeCode()}.
 *
 * @author PubSubClub
 */
class PscProtocolException extends RuntimeException {

	static final int PROTOCOL_ERROR = 1002;

	private final int closeCode;

	PscProtocolException(String message) {
		this(PROTOCOL_ERROR, message, null);
	}

	PscProtocolException(String message, Throwable cause) {
		this(PROTOCOL_ERROR, message, cause);
	}

	PscProtocolException(int closeCode, String message, Throwable cause) {
		super(message, cause);
		this.closeCode = closeCode;
	}

	int closeCode() {
		return this.closeCode;
	}

}
