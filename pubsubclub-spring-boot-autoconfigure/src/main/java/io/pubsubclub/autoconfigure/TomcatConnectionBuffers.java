package io.pubsubclub.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * The Tomcat settings that {@code pubsubclub.wamp.connection-buffer-size} sets, and its
 * bounds.
 *
 * @author PubSubClub
 */
final class TomcatConnectionBuffers {

	static final String PROPERTY = "pubsubclub.wamp.connection-buffer-size";

	/**
	 * System property Tomcat reads once, when {@code org.apache.tomcat.websocket.Constants}
	 * is initialised: the WebSocket frame input, output and encoder buffers of every
	 * connection, and the default message buffers of every container of the JVM.
	 */
	static final String DEFAULT_BUFFER_SIZE = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	/**
	 * Servlet context init parameter: the default text message buffer of the context's
	 * WebSocket sessions, in characters.
	 */
	static final String TEXT_BUFFER_SIZE = "org.apache.tomcat.websocket.textBufferSize";

	/**
	 * Servlet context init parameter: the default binary message buffer of the context's
	 * WebSocket sessions, in bytes.
	 */
	static final String BINARY_BUFFER_SIZE = "org.apache.tomcat.websocket.binaryBufferSize";

	static final String SOCKET_READ_BUFFER = "socket.appReadBufSize";

	static final String SOCKET_WRITE_BUFFER = "socket.appWriteBufSize";

	static final DataSize MIN = DataSize.ofBytes(512);

	static final DataSize MAX = DataSize.ofKilobytes(64);

	private static final int MIN_TEXT_BUFFER_CHARS = 256;

	private TomcatConnectionBuffers() {
	}

	static boolean isValid(DataSize size) {
		return size.compareTo(MIN) >= 0 && size.compareTo(MAX) <= 0;
	}

	/**
	 * Return the size in bytes.
	 * @param size the value of the property
	 * @return the size in bytes
	 * @throws InvalidConfigurationPropertyValueException if the size is out of bounds
	 */
	static int bytes(@Nullable DataSize size) {
		if (size == null || !isValid(size)) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, size, "Must be between 512B and 64KB.");
		}
		return (int) size.toBytes();
	}

	/**
	 * Return the text message buffer, in characters, for a size in bytes: a character
	 * takes two bytes of heap.
	 * @param bytes the size in bytes
	 * @return the text buffer in characters
	 */
	static int textBufferChars(int bytes) {
		return Math.max(MIN_TEXT_BUFFER_CHARS, bytes / 2);
	}

}
