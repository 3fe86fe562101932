/*
 * What the demo page's two clients (demo.js: WAMP v1; demo2.js: WAMP v2) share: reading a
 * node from what the user typed, a subscription's list item, and the bounded event table.
 */
const DemoCommon = (function () {
	"use strict";

	/**
	 * A node from what the user typed (http://host:port, host:port or a ws:// URL): its HTTP
	 * base, its WAMP URL (wampPath on http:// URLs) and a short label (host:port).
	 */
	function parseNode(text, wampPath) {
		let value = text.trim();
		if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
			value = "http://" + value;
		}
		const url = new URL(value);
		const secure = url.protocol === "https:" || url.protocol === "wss:";
		const http = (secure ? "https://" : "http://") + url.host;
		let ws;
		if (url.protocol === "ws:" || url.protocol === "wss:") {
			ws = url.protocol + "//" + url.host + (url.pathname === "/" ? wampPath : url.pathname);
		}
		else {
			ws = (secure ? "wss://" : "ws://") + url.host + wampPath;
		}
		return { http, ws, label: url.host };
	}

	/** A list item for a subscription: the topic, a note, and an Unsubscribe button. */
	function subscriptionItem(topic, active, noteText, onUnsubscribe) {
		const item = document.createElement("li");
		item.dataset.topic = topic;
		item.dataset.active = String(active);
		const code = document.createElement("code");
		code.textContent = topic;
		const note = document.createElement("span");
		note.className = "note";
		note.textContent = noteText;
		const button = document.createElement("button");
		button.type = "button";
		button.className = "small";
		button.textContent = "Unsubscribe";
		button.addEventListener("click", onUnsubscribe);
		item.append(code, " ", note, " ", button);
		return item;
	}

	/** Puts the row first in the table body, keeping at most max rows. */
	function prependRow(rows, row, max) {
		rows.prepend(row);
		while (rows.children.length > max) {
			rows.lastElementChild.remove();
		}
	}

	return { parseNode, subscriptionItem, prependRow };
})();
