package io.pubsubclub.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.springframework.http.HttpHeaders;

/**
 * The opening handshake of a connection this node dials: TCP, TLS ({@code wss://}: the
 * settings' context, the host name checked against the certificate) and the upgrade
 * (RFC 6455 4.1), its request with the caller's headers and the check of the answer.
 * <p>
 * <b>Bounds.</b> The response head is read one byte at a time, so that nothing of the
 * frames behind it is taken, and at most {@value #MAX_RESPONSE_HEAD} bytes of it: a
 * longer head fails the dial. The caller's socket timeout bounds the time.
 *
 * @author PubSubClub
 */
final class ClientHandshake {

	static final int MAX_RESPONSE_HEAD = 8192;

	private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private static final SecureRandom random = new SecureRandom();

	// set here, never taken from the caller
	private static final Set<String> OWN = Set.of("host", "upgrade", "connection", "sec-websocket-key",
			"sec-websocket-version", "sec-websocket-extensions", "content-length", "transfer-encoding");

	private final String key;

	ClientHandshake() {
		byte[] nonce = new byte[16];
		random.nextBytes(nonce);
		this.key = Base64.getEncoder().encodeToString(nonce);
	}

	/**
	 * Dial, with TLS for {@code wss://}, and upgrade: TCP connect, TLS handshake and upgrade
	 * within the settings' handshake timeout together.
	 * @return the connection's sockets and the server's 101 headers
	 * @throws IOException when the server cannot be reached or refuses the upgrade
	 */
	static Opened open(URI uri, HttpHeaders headers, ClientSettings settings) throws IOException {
		long deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
		SSLContext sslContext = settings.sslContext();
		boolean tls = "wss".equals(uri.getScheme());
		if (tls && sslContext == null) {
			throw new IOException("No TLS settings to dial " + uri);
		}
		Socket tcp = new Socket();
		Socket socket = tcp;
		try {
			tcp.setTcpNoDelay(true);
			tcp.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), remainingMillis(deadline));
			if (tls) {
				SSLSocket ssl = (SSLSocket) sslContext.getSocketFactory().createSocket(tcp, uri.getHost(), uri.getPort(),
						true);
				SSLParameters parameters = ssl.getSSLParameters();
				parameters.setEndpointIdentificationAlgorithm("HTTPS");
				if (settings.tlsProtocols() != null) {
					parameters.setProtocols(settings.tlsProtocols());
				}
				ssl.setSSLParameters(parameters);
				ssl.setUseClientMode(true);
				tcp.setSoTimeout(remainingMillis(deadline));
				ssl.startHandshake();
				socket = ssl;
			}
			ClientHandshake handshake = new ClientHandshake();
			OutputStream out = socket.getOutputStream();
			out.write(handshake.request(uri, headers));
			out.flush();
			tcp.setSoTimeout(remainingMillis(deadline));
			HttpHeaders response = handshake.response(socket.getInputStream());
			tcp.setSoTimeout(0);
			return new Opened(socket, tcp, response);
		}
		catch (IOException | RuntimeException ex) {
			try {
				tcp.close();
			}
			catch (IOException closing) {
				ex.addSuppressed(closing);
			}
			throw ex;
		}
	}

	private static int remainingMillis(long deadline) throws SocketTimeoutException {
		long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
		if (left <= 0) {
			throw new SocketTimeoutException("Opening handshake timed out");
		}
		return (int) Math.min(left, Integer.MAX_VALUE);
	}

	/**
	 * An upgraded connection: the socket to use ({@code SSLSocket} for TLS), the TCP socket
	 * under it, and the server's 101 headers.
	 */
	record Opened(Socket socket, Socket tcp, HttpHeaders response) {
	}

	/**
	 * Return the upgrade request.
	 * @param uri what is dialled
	 * @param headers the caller's headers, CR and LF refused
	 * @return the request's bytes
	 */
	byte[] request(URI uri, HttpHeaders headers) {
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		if (uri.getRawQuery() != null) {
			path += "?" + uri.getRawQuery();
		}
		String host = uri.getHost();
		if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
			host = "[" + host + "]";
		}
		StringBuilder request = new StringBuilder(256).append("GET ")
			.append(path)
			.append(" HTTP/1.1\r\nHost: ")
			.append(host)
			.append(':')
			.append(uri.getPort())
			.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
			.append(this.key)
			.append("\r\nSec-WebSocket-Version: 13\r\n");
		headers.forEach((name, values) -> {
			if (!OWN.contains(name.toLowerCase(Locale.ROOT))) {
				for (String value : values) {
					request.append(checked(name)).append(": ").append(checked(value)).append("\r\n");
				}
			}
		});
		return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String checked(String text) {
		if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
			throw new IllegalArgumentException("Header text with CR or LF: " + text);
		}
		return text;
	}

	/**
	 * Read and check the server's answer.
	 * @param in the connection's stream, left at the first byte after the head
	 * @return the response's headers
	 * @throws IOException when the server refused the upgrade (the message holds the
	 * status in brackets, {@code [401]}) or answered it wrongly
	 */
	HttpHeaders response(InputStream in) throws IOException {
		String[] lines = readHead(in).split("\r\n");
		String[] status = lines[0].split(" ", 3);
		if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
			throw new IOException("The server answered the upgrade with no HTTP status line: " + printable(lines[0]));
		}
		HttpHeaders headers = new HttpHeaders();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon <= 0) {
				throw new IOException("The server answered the upgrade with a malformed header line: "
						+ printable(lines[i]));
			}
			headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
		}
		if (!"101".equals(status[1])) {
			throw new IOException("The HTTP response from the server [" + printable(status[1])
					+ "] did not permit the HTTP upgrade to WebSocket");
		}
		String upgrade = headers.getFirst("Upgrade");
		String connection = headers.getFirst("Connection");
		if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || connection == null
				|| !connection.toLowerCase(Locale.ROOT).contains("upgrade")) {
			throw new IOException("The server's 101 response lacks Upgrade: websocket or Connection: Upgrade");
		}
		if (!accept(this.key).equals(headers.getFirst("Sec-WebSocket-Accept"))) {
			throw new IOException("The server's 101 response has a wrong Sec-WebSocket-Accept");
		}
		if (headers.containsHeader("Sec-WebSocket-Extensions")) {
			throw new IOException("The server's 101 response names an extension, and none was offered");
		}
		return headers;
	}

	private static String readHead(InputStream in) throws IOException {
		byte[] head = new byte[512];
		int length = 0;
		while (length < 4 || head[length - 4] != '\r' || head[length - 3] != '\n' || head[length - 2] != '\r'
				|| head[length - 1] != '\n') {
			int next = in.read();
			if (next < 0) {
				throw new IOException("The server closed the connection during the upgrade");
			}
			if (length == MAX_RESPONSE_HEAD) {
				throw new IOException("The server's answer to the upgrade is over " + MAX_RESPONSE_HEAD + " bytes");
			}
			if (length == head.length) {
				head = java.util.Arrays.copyOf(head, Math.min(2 * length, MAX_RESPONSE_HEAD));
			}
			head[length++] = (byte) next;
		}
		return new String(head, 0, length - 4, StandardCharsets.ISO_8859_1);
	}

	private static String printable(String text) {
		String cut = (text.length() > 100) ? text.substring(0, 100) + "..." : text;
		return cut.replaceAll("[^\\x20-\\x7E]", "?");
	}

	static String accept(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is required of every JVM", ex);
		}
	}

	String key() {
		return this.key;
	}

}
