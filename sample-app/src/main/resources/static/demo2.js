/*
 * The demo page's WAMP v2 client: Autobahn|JS (the npm package autobahn-browser, copied into
 * static/vendor by the build) beside the page's v1 client, in the same topic space. One
 * connection at a time; its subscriptions carried over when it reconnects or switches node.
 *
 * Query parameters: v2node=URL is where it connects (default: "Other node" when the page has
 * one, else this node); realm=NAME is the node's WAMP v2 realm (default realm1); path=/wamp
 * as for the v1 client.
 */
(function () {
	"use strict";

	const MAX_EVENT_ROWS = 200;

	const params = new URLSearchParams(window.location.search);
	const wampPath = params.get("path") || "/wamp";
	const realm = params.get("realm") || "realm1";
	const element = (id) => document.getElementById(id);

	const state = {
		connection: null,
		session: null,
		node: null,
		// topic -> the Autobahn subscription on the current session (null until SUBSCRIBED)
		topics: new Map()
	};

	function setStatus(stateName, text, node, session) {
		const status = element("v2-status");
		status.dataset.state = stateName;
		status.dataset.node = node ? node.label : "";
		status.dataset.session = session ? String(session.id) : "";
		status.textContent = text;
	}

	// --- connection ------------------------------------------------------------------------------

	function connectTo(text) {
		let node;
		try {
			node = DemoCommon.parseNode(text, wampPath);
		}
		catch (e) {
			setStatus("disconnected", "Not a node URL: " + text);
			return;
		}
		disconnect();
		state.node = node;
		setStatus("connecting", "Connecting to " + node.ws + " (realm " + realm + ") …", node);
		// Autobahn retries by itself (every few seconds, without end) until close() is called
		const connection = new autobahn.Connection({ url: node.ws, realm, max_retries: -1,
			initial_retry_delay: 1, max_retry_delay: 4 });
		connection.onopen = (session, details) => {
			if (state.connection !== connection) {
				return;
			}
			state.session = session;
			setStatus("connected", "Connected to " + node.ws + " as WAMP v2 session " + session.id + " (realm "
					+ realm + ", " + (details.authrole || "anonymous") + ")", node, session);
			for (const topic of state.topics.keys()) {
				state.topics.set(topic, null);
				subscribeOn(session, node, topic);
			}
			renderSubscriptions();
		};
		connection.onclose = (reason, details) => {
			if (state.connection !== connection) {
				return true;
			}
			state.session = null;
			for (const topic of state.topics.keys()) {
				state.topics.set(topic, null);
			}
			renderSubscriptions();
			const why = (details && details.reason) || reason;
			setStatus("disconnected", "Connection to " + node.label + " lost (" + why + ")"
					+ (details && details.will_retry ? "; retrying" : ""), node);
			return false;
		};
		state.connection = connection;
		connection.open();
	}

	function disconnect() {
		const connection = state.connection;
		state.connection = null;
		state.session = null;
		if (connection !== null) {
			try {
				connection.close("wamp.close.normal", "switching node");
			}
			catch (e) {
				// not open (still retrying, or closed already): nothing to close
			}
		}
	}

	// --- subscriptions and events ----------------------------------------------------------------

	function subscribe(topic) {
		if (state.topics.has(topic)) {
			return;
		}
		state.topics.set(topic, null);
		if (state.session !== null) {
			subscribeOn(state.session, state.node, topic);
		}
		renderSubscriptions();
	}

	function subscribeOn(session, node, topic) {
		session.subscribe(topic, (args, kwargs, details) => showEvent(node, topic, args, kwargs, details))
			.then((subscription) => {
				if (state.session === session && state.topics.has(topic)) {
					state.topics.set(topic, subscription);
					renderSubscriptions();
				}
				else {
					session.unsubscribe(subscription).catch(() => undefined);
				}
			}, (error) => {
				element("v2-publish-result").dataset.outcome = "error";
				element("v2-publish-result").textContent = "SUBSCRIBE " + topic + " refused: " + error.error;
			});
	}

	function unsubscribe(topic) {
		const subscription = state.topics.get(topic);
		state.topics.delete(topic);
		if (subscription && state.session !== null) {
			state.session.unsubscribe(subscription).catch(() => undefined);
		}
		renderSubscriptions();
	}

	function renderSubscriptions() {
		const list = element("v2-subscription-list");
		list.replaceChildren();
		for (const [topic, subscription] of state.topics) {
			const active = state.session !== null && subscription !== null;
			list.append(DemoCommon.subscriptionItem(topic, active, active ? "on " + state.node.label + " (subscription "
					+ subscription.id + ")" : "(not subscribed yet)", () => unsubscribe(topic)));
		}
	}

	function showEvent(node, topic, args, kwargs, details) {
		const first = Array.isArray(args) && args.length > 0 ? args[0] : undefined;
		const origin = first !== null && typeof first === "object" && first.origin !== null
				&& typeof first.origin === "object" ? first.origin
				: (kwargs && typeof kwargs.origin === "object" ? kwargs.origin : null);
		const row = document.createElement("tr");
		row.className = "event";
		row.dataset.topic = topic;
		row.dataset.args = JSON.stringify(args === undefined ? [] : args);
		row.dataset.kwargs = kwargs === undefined || kwargs === null || Object.keys(kwargs).length === 0 ? ""
				: JSON.stringify(kwargs);
		row.dataset.via = node.label;
		row.dataset.origin = origin && typeof origin.node === "string" ? origin.node : "";
		row.dataset.publisher = details && details.publisher !== undefined ? String(details.publisher) : "";
		for (const value of [new Date().toLocaleTimeString(), topic, row.dataset.args, row.dataset.kwargs || "—",
			node.label]) {
			const cell = document.createElement("td");
			cell.textContent = value;
			row.append(cell);
		}
		row.children[4].className = "via";
		DemoCommon.prependRow(element("v2-event-rows"), row, MAX_EVENT_ROWS);
	}

	// --- publishing ------------------------------------------------------------------------------

	function publish(form) {
		const result = element("v2-publish-result");
		const session = state.session;
		if (session === null) {
			result.dataset.outcome = "error";
			result.textContent = "Not connected.";
			return;
		}
		const node = state.node;
		const topic = form.elements.topic.value.trim();
		const text = form.elements.text.value;
		const origin = { node: node.label, session: session.id, protocol: "wamp.2.json" };
		const options = { acknowledge: true, exclude_me: !form.elements.includeMe.checked };
		const [args, kwargs] = form.elements.payload.value === "kwargs" ? [[text], { origin }]
				: [[{ text, origin }], undefined];
		result.dataset.outcome = "pending";
		result.textContent = "Publishing on " + node.label + " …";
		session.publish(topic, args, kwargs, options).then((publication) => {
			result.dataset.outcome = "ok";
			result.textContent = "Published on " + node.label + " (publication " + publication.id + ").";
		}, (error) => {
			result.dataset.outcome = "error";
			result.textContent = "PUBLISH on " + node.label + " refused: " + error.error;
		});
	}

	// --- wiring ----------------------------------------------------------------------------------

	element("v2-node").value = params.get("v2node") || params.get("other") || window.location.origin;

	element("v2-connect-form").addEventListener("submit", (e) => {
		e.preventDefault();
		connectTo(element("v2-node").value);
	});
	element("v2-subscribe-form").addEventListener("submit", (e) => {
		e.preventDefault();
		const topic = element("v2-subscribe-topic").value.trim();
		if (topic !== "") {
			subscribe(topic);
		}
	});
	element("v2-publish-form").addEventListener("submit", (e) => {
		e.preventDefault();
		publish(e.target);
	});

	if (typeof autobahn === "undefined") {
		setStatus("disconnected", "Autobahn|JS did not load (vendor/autobahn-browser/autobahn.min.js)");
		return;
	}
	connectTo(element("v2-node").value);

})();
