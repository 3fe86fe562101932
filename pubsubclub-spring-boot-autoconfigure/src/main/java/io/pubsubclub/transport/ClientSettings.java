package io.pubsubclub.transport;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * Limits, TLS and threads of the connections a {@link ClientConnection} dials.
 *
 * @param maxMessageBytes largest incoming message, in bytes
 * @param sendBufferSize most bytes of data frames that may wait to be written
 * @param sendTimeLimit longest time one write may take, and a closing handshake
 * @param handshakeTimeout longest time the TCP connect, the TLS handshake and the upgrade
 * may take together
 * @param sslContext TLS, or {@code null} to dial in plain text
 * @param tlsProtocols the TLS protocols to enable, {@code null} for the context's default
 * @param threads the reading and writing threads of each connection
 * @author PubSubClub
 */
public record ClientSettings(int maxMessageBytes, long sendBufferSize, Duration sendTimeLimit,
		Duration handshakeTimeout, @Nullable SSLContext sslContext, String @Nullable [] tlsProtocols,
		ThreadFactory threads) {

}
