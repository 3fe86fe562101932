/*
 * The demo page: one WAMPv1 connection at a time, to the node serving the page or to another
 * node, the page's subscriptions carried over when it switches, events shown with the node they
 * came through, and the connected node's /actuator/pubsubclub rendered as it comes.
 *
 * Query parameters: other=URL fills "Other node" (http://host:port, host:port or a ws:// URL);
 * connect=other connects there first; path=/wamp is the WAMP path on http:// URLs.
 */
(function () {
	"use strict";

	const PUBLISH_PROCEDURE = "http://example.com/pubsub#publish";
	const CLUSTER_PATH = "/actuator/pubsubclub";
	const RETRY_DELAY_MS = 2000;
	const CLUSTER_POLL_MS = 2000;
	const MAX_EVENT_ROWS = 200;

	const params = new URLSearchParams(window.location.search);
	const wampPath = params.get("path") || "/wamp";
	const element = (id) => document.getElementById(id);

	const state = {
		attempt: 0,
		node: null,
		session: null,
		retryTimer: null,
		clusterTimer: null,
		clusterText: null,
		topics: new Set(),
		login: null,
		nodeIds: new Map()
	};

	function parseNode(text) {
		return DemoCommon.parseNode(text, wampPath);
	}

	function setStatus(stateName, text, node, session) {
		const status = element("status");
		status.dataset.state = stateName;
		status.dataset.node = node ? node.label : "";
		status.dataset.session = session ? session.sessionId : "";
		status.textContent = text;
	}

	function nodeName(label) {
		const id = state.nodeIds.get(label);
		return id === undefined ? label : label + " (node " + id + ")";
	}

	// --- connection ------------------------------------------------------------------------------

	function connectTo(text) {
		let node;
		try {
			node = parseNode(text);
		}
		catch (e) {
			setStatus("disconnected", "Not a node URL: " + text);
			return;
		}
		disconnect();
		state.node = node;
		startClusterPolling(node);
		open(node, ++state.attempt);
	}

	function disconnect() {
		state.attempt++;
		clearTimeout(state.retryTimer);
		if (state.session !== null) {
			const session = state.session;
			state.session = null;
			session.close(1000, "switching node");
		}
	}

	function open(node, attempt) {
		setStatus("connecting", "Connecting to " + node.ws + " …", node);
		Wamp1.connect(node.ws, {
			onclose: (code, reason) => {
				if (attempt === state.attempt) {
					state.session = null;
					retry(node, attempt, "Connection to " + node.label + " lost (" + code + (reason ? " " + reason : "") + ")");
				}
			}
		}).then((session) => {
			if (attempt !== state.attempt) {
				session.close(1000, "superseded");
				return;
			}
			state.session = session;
			setStatus("connected", "Connected to " + node.ws + " as session " + session.sessionId + " (server "
					+ session.serverIdent + ")", node, session);
			// a login carries over to a new session; its subscriptions wait for it, so that
			// they are made with its permissions
			const login = state.login;
			const ready = login === null ? Promise.resolve() : authenticate(session, login);
			ready.catch(() => undefined).then(() => {
				if (state.session !== session) {
					return;
				}
				for (const topic of state.topics) {
					session.subscribe(topic, eventHandler(node));
				}
				renderSubscriptions();
			});
		}, (error) => {
			if (attempt === state.attempt) {
				retry(node, attempt, error.message);
			}
		});
	}

	function retry(node, attempt, why) {
		setStatus("disconnected", why + "; retrying in " + RETRY_DELAY_MS / 1000 + " s", node);
		renderSubscriptions();
		state.retryTimer = setTimeout(() => {
			if (attempt === state.attempt) {
				open(node, attempt);
			}
		}, RETRY_DELAY_MS);
	}

	// --- WAMP-CRA login ----------------------------------------------------------------------------

	function setAuthStatus(stateName, text) {
		const status = element("auth-status");
		status.dataset.state = stateName;
		status.textContent = text;
	}

	function describePermissions(permissions) {
		const pubsub = (permissions.pubsub || []).map((p) => (p.sub ? "sub " : "") + (p.pub ? "pub " : "")
				+ p.uri + (p.prefix ? "*" : ""));
		const rpc = (permissions.rpc || []).filter((r) => r.call).map((r) => "call " + r.uri + (r.prefix ? "*" : ""));
		return pubsub.concat(rpc).join(", ") || "nothing";
	}

	function authenticate(session, login) {
		setAuthStatus("authenticating", "Authenticating as " + login.authKey + " …");
		return session.authenticate(login.authKey, login.secret).then((permissions) => {
			setAuthStatus("authenticated", "Authenticated as " + login.authKey + ": " + describePermissions(permissions));
		}, (error) => {
			state.login = null;
			setAuthStatus("failed", "Authentication failed: " + (error.uri || "") + " " + (error.desc || error.message));
			throw error;
		});
	}

	function login(form) {
		const authKey = form.elements.authKey.value;
		const secret = form.elements.secret.value;
		if (state.session === null) {
			setAuthStatus("failed", "Not connected");
			return;
		}
		state.login = { authKey, secret };
		authenticate(state.session, state.login).catch(() => undefined);
	}

	// --- subscriptions and events ----------------------------------------------------------------

	function subscribe(topic) {
		if (state.topics.has(topic)) {
			return;
		}
		state.topics.add(topic);
		if (state.session !== null) {
			state.session.subscribe(topic, eventHandler(state.node));
		}
		renderSubscriptions();
	}

	function unsubscribe(topic) {
		state.topics.delete(topic);
		if (state.session !== null) {
			state.session.unsubscribe(topic);
		}
		renderSubscriptions();
	}

	function renderSubscriptions() {
		const list = element("subscription-list");
		list.replaceChildren();
		for (const topic of state.topics) {
			const active = state.session !== null && state.session.isSubscribed(topic);
			list.append(DemoCommon.subscriptionItem(topic, active, active ? "on " + state.node.label : "(not connected)",
					() => unsubscribe(topic)));
		}
	}

	/** A handler bound to the node whose connection the events arrive on. */
	function eventHandler(node) {
		return (topic, event) => showEvent(node, topic, event);
	}

	function showEvent(node, topic, event) {
		const origin = event !== null && typeof event === "object" && event.origin !== null
				&& typeof event.origin === "object" ? event.origin : null;
		const text = event !== null && typeof event === "object" && typeof event.text === "string"
				? event.text : JSON.stringify(event);
		const row = document.createElement("tr");
		row.className = "event";
		row.dataset.topic = topic;
		row.dataset.text = text;
		row.dataset.via = node.label;
		row.dataset.origin = origin && typeof origin.node === "string" ? origin.node : "";
		let originName = "—";
		if (origin !== null) {
			originName = typeof origin.node === "string" ? origin.node : JSON.stringify(origin);
			if (origin.nodeId !== undefined && origin.nodeId !== null) {
				originName += " (node " + origin.nodeId + ")";
			}
		}
		for (const value of [new Date().toLocaleTimeString(), topic, text, nodeName(node.label), originName]) {
			const cell = document.createElement("td");
			cell.textContent = value;
			row.append(cell);
		}
		row.children[1].className = "topic";
		row.children[3].className = "via";
		row.children[4].className = "origin";
		if (origin !== null && origin.node !== node.label) {
			row.classList.add("remote");
		}
		DemoCommon.prependRow(element("event-rows"), row, MAX_EVENT_ROWS);
	}

	// --- publishing ------------------------------------------------------------------------------

	function publish(form) {
		const result = element("publish-result");
		const session = state.session;
		if (session === null) {
			result.dataset.outcome = "error";
			result.textContent = "Not connected.";
			return;
		}
		const topic = form.elements.topic.value.trim();
		const node = state.node;
		const event = {
			text: form.elements.text.value,
			origin: { node: node.label, nodeId: state.nodeIds.get(node.label) ?? null, session: session.sessionId }
		};
		if (form.elements.how.value === "rpc") {
			result.dataset.outcome = "pending";
			result.textContent = "Calling " + PUBLISH_PROCEDURE + " on " + node.label + " …";
			session.call(PUBLISH_PROCEDURE, { channel: topic, content: event }).then((answer) => {
				result.dataset.outcome = "ok";
				result.textContent = "RPC on " + node.label + " returned " + JSON.stringify(answer);
			}, (error) => {
				result.dataset.outcome = "error";
				result.textContent = "RPC on " + node.label + " failed: " + error.message;
			});
		}
		else {
			if (form.elements.includeMe.checked) {
				session.publish(topic, event, false);
			}
			else {
				session.publish(topic, event);
			}
			result.dataset.outcome = "ok";
			result.textContent = "Published on " + node.label + " with PUBLISH.";
		}
	}

	// --- cluster view ----------------------------------------------------------------------------

	function startClusterPolling(node) {
		clearInterval(state.clusterTimer);
		state.clusterText = null;
		element("cluster-source").textContent = node.http + CLUSTER_PATH;
		const poll = () => pollCluster(node);
		poll();
		state.clusterTimer = setInterval(poll, CLUSTER_POLL_MS);
	}

	function pollCluster(node) {
		fetch(node.http + CLUSTER_PATH, { cache: "no-store", headers: { Accept: "application/json" } })
			.then((response) => {
				if (response.status === 404) {
					return clusterPlaceholder(node, "absent", node.label + " has no " + CLUSTER_PATH
							+ " endpoint (404): the cluster view appears when it is there and exposed.");
				}
				if (!response.ok) {
					return clusterPlaceholder(node, "error", CLUSTER_PATH + " on " + node.label + " answered "
							+ response.status + ".");
				}
				return response.text().then((text) => renderCluster(node, text));
			})
			.catch(() => clusterPlaceholder(node, "unreachable", node.label + " is unreachable (or does not allow "
					+ "this page's origin to read " + CLUSTER_PATH + ")."));
	}

	function clusterPlaceholder(node, kind, text) {
		if (node !== state.node || state.clusterText === kind) {
			return;
		}
		state.clusterText = kind;
		const view = element("cluster-view");
		view.dataset.state = kind;
		delete view.dataset.nodeId;
		const p = document.createElement("p");
		p.className = "placeholder";
		p.textContent = text;
		view.replaceChildren(p);
	}

	const NODE_ID_KEYS = ["nodeId", "node-id", "node_id"];

	function isObject(value) {
		return value !== null && typeof value === "object" && !Array.isArray(value);
	}

	/** The node id: a nodeId-like key at the top or in a nested object (cluster, node ...), or node.id. */
	function findNodeId(json) {
		const queue = [[json, 0]];
		while (queue.length > 0) {
			const [object, depth] = queue.shift();
			for (const key of NODE_ID_KEYS) {
				if (object[key] !== undefined && object[key] !== null && typeof object[key] !== "object") {
					return object[key];
				}
			}
			if (depth < 2) {
				for (const value of Object.values(object)) {
					if (isObject(value)) {
						queue.push([value, depth + 1]);
					}
				}
			}
		}
		if (isObject(json.node) && json.node.id !== undefined && typeof json.node.id !== "object") {
			return json.node.id;
		}
		return undefined;
	}

	function renderCluster(node, text) {
		if (node !== state.node || state.clusterText === text) {
			return;
		}
		let json;
		try {
			json = JSON.parse(text);
		}
		catch (e) {
			clusterPlaceholder(node, "error", CLUSTER_PATH + " on " + node.label + " did not return JSON.");
			return;
		}
		state.clusterText = text;
		const view = element("cluster-view");
		view.dataset.state = "shown";
		const nodeId = isObject(json) ? findNodeId(json) : undefined;
		if (nodeId !== undefined) {
			state.nodeIds.set(node.label, nodeId);
			view.dataset.nodeId = String(nodeId);
		}
		else {
			delete view.dataset.nodeId;
		}
		const heading = document.createElement("p");
		heading.className = "node-id";
		heading.textContent = "Node " + (nodeId === undefined ? "id unknown" : nodeId) + " at " + node.label;
		const parts = [heading];
		if (isObject(json)) {
			parts.push(...renderObject(json, "", 0));
		}
		else {
			const pre = document.createElement("pre");
			pre.textContent = JSON.stringify(json, null, 2);
			parts.push(pre);
		}
		view.replaceChildren(...parts);
	}

	/**
	 * Scalars as a definition list, arrays of objects (links, peers ...) as tables, objects
	 * nested in the first two levels as sections of their own; deeper ones as key: value text.
	 */
	function renderObject(object, path, depth) {
		const details = document.createElement("dl");
		const sections = [];
		for (const [key, value] of Object.entries(object)) {
			const name = path === "" ? key : path + "." + key;
			if (Array.isArray(value) && value.some(isObject)) {
				sections.push(tableOf(name, value));
			}
			else if (isObject(value) && Object.keys(value).length > 0 && depth < 2
					&& Object.values(value).some((nested) => nested !== null && typeof nested === "object")) {
				const section = document.createElement("section");
				section.className = "cluster-part";
				section.dataset.name = name;
				const title = document.createElement("h3");
				title.textContent = name;
				section.append(title, ...renderObject(value, name, depth + 1));
				sections.push(section);
			}
			else {
				const term = document.createElement("dt");
				term.textContent = key;
				const description = document.createElement("dd");
				description.textContent = describe(value);
				details.append(term, description);
			}
		}
		return details.children.length > 0 ? [details, ...sections] : sections;
	}

	function describe(value) {
		if (Array.isArray(value)) {
			return value.length === 0 ? "none" : value.map(describeNested).join(", ");
		}
		if (value !== null && typeof value === "object") {
			const entries = Object.entries(value);
			return entries.length === 0 ? "none"
					: entries.map(([key, nested]) => key + ": " + describeNested(nested)).join(", ");
		}
		return String(value);
	}

	function describeNested(value) {
		return value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
	}

	/**
	 * A table of an array of objects (links, peers, sessions …), one column per key that
	 * has a value in some row.
	 */
	function tableOf(name, items) {
		const empty = (value) => value === undefined || value === null || value === ""
				|| (Array.isArray(value) && value.length === 0);
		const columns = [];
		for (const item of items) {
			if (isObject(item)) {
				for (const key of Object.keys(item)) {
					if (!columns.includes(key) && items.some((other) => isObject(other) && !empty(other[key]))) {
						columns.push(key);
					}
				}
			}
		}
		const figure = document.createElement("figure");
		figure.className = "cluster-table";
		figure.dataset.name = name;
		const caption = document.createElement("figcaption");
		caption.textContent = name + " (" + items.length + ")";
		const table = document.createElement("table");
		const head = table.createTHead().insertRow();
		for (const column of columns) {
			const th = document.createElement("th");
			th.textContent = column;
			head.append(th);
		}
		const body = table.createTBody();
		for (const item of items) {
			const row = body.insertRow();
			for (const column of columns) {
				const value = isObject(item) ? item[column] : item;
				row.insertCell().textContent = value === undefined ? "" : describe(value);
			}
		}
		const scroller = document.createElement("div");
		scroller.className = "scroller";
		scroller.append(table);
		figure.append(caption, scroller);
		return figure;
	}

	// --- wiring ----------------------------------------------------------------------------------

	element("node-this").value = params.get("node") || window.location.origin;
	element("node-other").value = params.get("other") || "";

	element("connect-this-form").addEventListener("submit", (e) => {
		e.preventDefault();
		connectTo(element("node-this").value);
	});
	element("connect-other-form").addEventListener("submit", (e) => {
		e.preventDefault();
		connectTo(element("node-other").value);
	});
	element("login-form").addEventListener("submit", (e) => {
		e.preventDefault();
		login(e.target);
	});
	element("subscribe-form").addEventListener("submit", (e) => {
		e.preventDefault();
		const topic = element("subscribe-topic").value.trim();
		if (topic !== "") {
			subscribe(topic);
		}
	});
	element("publish-form").addEventListener("submit", (e) => {
		e.preventDefault();
		publish(e.target);
	});
	element("clear-events").addEventListener("click", () => element("event-rows").replaceChildren());

	connectTo(params.get("connect") === "other" && element("node-other").value
			? element("node-other").value : element("node-this").value);

})();
