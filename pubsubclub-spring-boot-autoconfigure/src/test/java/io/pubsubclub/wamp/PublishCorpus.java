package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;

/**
 * Events, as JSON text a client might send, whose text the PUBLISH paths must agree on.
 */
final class PublishCorpus {

	private PublishCorpus() {
	}

	/**
	 * Events that the streaming reader copies itself.
	 */
	static List<String> events() {
		List<String> events = new ArrayList<>();
		// strings: escapes, raw non-ASCII, surrogates, control characters
		events.add("\"h\\u00e9llo\"");
		events.add("\"h\u00e9llo \u4e2d\u6587\"");
		events.add("\"\\ud83d\\ude00\"");
		events.add("\"\ud83d\ude00 raw\"");
		events.add("\"a\\/b/c\"");
		events.add("\"\\\"\\\\\\b\\f\\n\\r\\t\"");
		events.add("\"\\u0000\\u0001\\u001f\\u007f\\u0080\\u2028\\u2029\"");
		events.add("\"<script>&'\"");
		events.add("\"\"");
		events.add("{\"\\u00e9\\n\":1,\"\":2,\"\\/\":\"\\/\"}");
		// containers
		events.add("{}");
		events.add("[]");
		events.add("[[],{},[[]],{\"a\":{}}]");
		events.add("{\"a\":{\"b\":{\"c\":[1,{\"d\":null,\"e\":[true,false]}]}},\"f\":[[[[\"deep\"]]]]}");
		events.add("[{\"k\":1},{\"k\":2}]");
		events.add("{\"b\":1,\"a\":2,\"c\":null}");
		// numbers
		for (String number : List.of("0", "-0", "7", "-7", "2147483647", "2147483648", "-2147483648", "-2147483649",
				"9223372036854775807", "9223372036854775808", "-9223372036854775809",
				"123456789012345678901234567890", "1.0", "1.5", "-1.5", "0.0", "-0.0", "100.000", "1e2", "1E2", "1e+2",
				"1e-2", "1E-7", "1.5e300", "4.9e-324", "1e-400", "1e400", "-1e400", "0.1", "0.10000000000000000000001",
				"3.141592653589793238462643383279", "12345678901234567890.5", "1.7976931348623157e308")) {
			events.add(number);
			events.add("{\"n\":" + number + "}");
		}
		events.add("[1,1.0,-0,-0.0,1e0,10,1e1]");
		// scalars as the whole event
		events.add("null");
		events.add("true");
		events.add("false");
		// whitespace everywhere
		events.add(" {\t\"a\" :\r\n[ 1 ,\n2 ] , \"b\" : { } , \"c\" : \"x y\" } ");
		events.add("\n[\n]\n");
		// longer than 4 KB
		events.add("\"" + "x".repeat(5000) + "\"");
		events.add("\"" + "\u00e9\\n\\u00e9\\\"\\/\ud83d\ude00".repeat(800) + "\"");
		events.add(longObject());
		return events;
	}

	/**
	 * Events with a lone surrogate: both paths write it raw, which a WebSocket cannot send
	 * as UTF-8, so these are checked without a session.
	 */
	static List<String> loneSurrogateEvents() {
		return List.of("\"\\ud800 lone \\udc00\"", "{\"\\udbff\":\"\\ude00x\"}");
	}

	/**
	 * Events with a duplicate key: the tree keeps the last value, so the streaming reader
	 * leaves them to the tree.
	 */
	static List<String> duplicateKeyEvents() {
		return List.of("{\"a\":1,\"a\":2}", "{\"x\":{\"a\":1,\"b\":0,\"a\":{\"c\":[]}}}", "[{\"a\":1,\"a\":1}]");
	}

	/**
	 * The event's text as the tree path writes it.
	 */
	static String treeText(JsonMapper jsonMapper, String message) {
		return jsonMapper.writeValueAsString(jsonMapper.readTree(message).get(2));
	}

	private static String longObject() {
		StringBuilder json = new StringBuilder("{");
		for (int i = 0; i < 200; i++) {
			json.append((i > 0) ? "," : "").append("\"key").append(i).append("\":[").append(i).append(',')
				.append(i * 1.25).append(",\"v\\u00e9").append(i).append("\"]");
		}
		return json.append('}').toString();
	}

}
