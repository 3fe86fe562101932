package io.pubsubclub.discovery.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers the part of the Consul HTTP API that Spring Cloud Consul's discovery client
 * uses, blocking queries included: registrations live in memory, every change bumps the
 * index, and a query with {@code index} equal to the current one waits until it changes
 * or its {@code wait} ends.
 */
final class ConsulStandIn implements AutoCloseable {

	private static final long MAX_WAIT_MILLIS = 5000;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, JsonNode> services = new LinkedHashMap<>();

	private final List<String> requests = new ArrayList<>();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(16);

	private long index = 1;

	private volatile boolean down;

	private volatile Consumer<String> deregistering = (id) -> {
	};

	ConsulStandIn() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	synchronized List<String> requests() {
		return new ArrayList<>(this.requests);
	}

	synchronized List<String> registeredIds() {
		return new ArrayList<>(this.services.keySet());
	}

	synchronized JsonNode registration(String id) {
		return this.services.get(id);
	}

	/**
	 * Call a listener with the service id of every deregister request, before it is
	 * answered, on the thread that handles it.
	 */
	void onDeregister(Consumer<String> listener) {
		this.deregistering = listener;
	}

	/**
	 * Make the catalog answer 500 like an agent that lost its servers.
	 */
	void down(boolean down) {
		this.down = down;
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			URI uri = exchange.getRequestURI();
			String path = uri.getPath();
			Map<String, String> query = query(uri.getRawQuery());
			byte[] body = readBody(exchange.getRequestBody());
			synchronized (this) {
				this.requests.add(method + " " + uri);
			}
			if ("PUT".equals(method) && path.equals("/v1/agent/service/register")) {
				JsonNode service = this.json.readTree(body);
				change(() -> this.services.put(service.get("ID").asString(), service));
				respond(exchange, 200, null, null);
			}
			else if ("PUT".equals(method) && path.startsWith("/v1/agent/service/deregister/")) {
				String id = path.substring("/v1/agent/service/deregister/".length());
				this.deregistering.accept(id);
				change(() -> this.services.remove(id));
				respond(exchange, 200, null, null);
			}
			else if ("PUT".equals(method) && path.startsWith("/v1/agent/check/")) {
				respond(exchange, 200, null, null);
			}
			else if ("GET".equals(method) && path.equals("/v1/status/leader")) {
				respond(exchange, 200, "\"127.0.0.1:8300\"", null);
			}
			else if (this.down && path.startsWith("/v1/")) {
				respond(exchange, 500, "\"No cluster leader\"", null);
			}
			else if ("GET".equals(method) && path.equals("/v1/catalog/services")) {
				long at = awaitChange(query);
				respond(exchange, 200, this.json.writeValueAsString(catalog()), at);
			}
			else if ("GET".equals(method) && path.startsWith("/v1/health/service/")) {
				long at = awaitChange(query);
				String name = path.substring("/v1/health/service/".length());
				respond(exchange, 200, this.json.writeValueAsString(health(name)), at);
			}
			else {
				respond(exchange, 404, "\"unknown endpoint\"", null);
			}
		}
	}

	private synchronized void change(Runnable change) {
		change.run();
		this.index++;
		notifyAll();
	}

	private synchronized long awaitChange(Map<String, String> query) {
		String index = query.get("index");
		if (index != null && Long.parseUnsignedLong(index) == this.index) {
			long deadline = System.currentTimeMillis() + Math.min(waitMillis(query.get("wait")), MAX_WAIT_MILLIS);
			long now;
			while (Long.parseUnsignedLong(index) == this.index && (now = System.currentTimeMillis()) < deadline) {
				try {
					wait(deadline - now);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		return this.index;
	}

	private synchronized ObjectNode catalog() {
		ObjectNode catalog = this.json.createObjectNode();
		catalog.putArray("consul");
		for (JsonNode service : this.services.values()) {
			ArrayNode tags = catalog.putArray(service.get("Name").asString());
			JsonNode serviceTags = service.get("Tags");
			if (serviceTags != null && serviceTags.isArray()) {
				serviceTags.forEach(tags::add);
			}
		}
		return catalog;
	}

	private synchronized ArrayNode health(String name) {
		ArrayNode entries = this.json.createArrayNode();
		for (JsonNode service : this.services.values()) {
			if (!name.equals(service.get("Name").asString())) {
				continue;
			}
			ObjectNode entry = entries.addObject();
			ObjectNode node = entry.putObject("Node");
			node.put("ID", "stand-in-node");
			node.put("Node", "stand-in");
			node.put("Address", "127.0.0.1");
			node.put("Datacenter", "dc1");
			ObjectNode copy = entry.putObject("Service");
			for (String field : List.of("ID", "Tags", "Address", "Meta", "Port")) {
				if (service.has(field)) {
					copy.set(field, service.get(field));
				}
			}
			copy.put("Service", service.get("Name").asString());
			ObjectNode check = entry.putArray("Checks").addObject();
			check.put("CheckID", "service:" + service.get("ID").asString());
			check.put("Name", "Service check");
			check.put("Status", "passing");
			check.put("ServiceID", service.get("ID").asString());
			check.put("ServiceName", name);
		}
		return entries;
	}

	private static long waitMillis(String wait) {
		if (wait == null || wait.isEmpty()) {
			return MAX_WAIT_MILLIS;
		}
		if (wait.endsWith("ms")) {
			return Long.parseLong(wait.substring(0, wait.length() - 2));
		}
		if (wait.endsWith("s")) {
			return TimeUnit.SECONDS.toMillis(Long.parseLong(wait.substring(0, wait.length() - 1)));
		}
		if (wait.endsWith("m")) {
			return TimeUnit.MINUTES.toMillis(Long.parseLong(wait.substring(0, wait.length() - 1)));
		}
		return Long.parseLong(wait);
	}

	private static Map<String, String> query(String raw) {
		Map<String, String> query = new LinkedHashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int eq = pair.indexOf('=');
				String key = (eq >= 0) ? pair.substring(0, eq) : pair;
				String value = (eq >= 0) ? java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)
						: "";
				query.put(key, value);
			}
		}
		return query;
	}

	private static byte[] readBody(InputStream in) throws IOException {
		return in.readAllBytes();
	}

	private static void respond(HttpExchange exchange, int status, String body, Long index) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		if (index != null) {
			exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
		}
		byte[] bytes = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		exchange.sendResponseHeaders(status, (bytes.length > 0) ? bytes.length : -1);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

}
