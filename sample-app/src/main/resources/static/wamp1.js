/*
 * A small WAMPv1 client for the browser: no dependencies, no build step.
 *
 *   Wamp1.connect("ws://127.0.0.1:8081/wamp", { onclose: (code, reason) => ... })
 *     .then((session) => {
 *       session.prefix("demo", "http://example.com/demo#");
 *       session.subscribe("demo:chat", (topic, event) => ...);
 *       session.publish("demo:chat", { text: "hi" });             // [7, topic, event]
 *       session.publish("demo:chat", "hi", false);                 // include myself
 *       session.publish("demo:chat", "hi", [otherId], [a, b]);     // exclude, eligible
 *       return session.call("http://example.com/pubsub#publish", { channel, content });
 *     })
 *     .then((result) => ..., (error) => error.uri + " " + error.desc);
 *
 * WAMP-CRA as AutobahnJS 0.8 does it (authreq, authsign, auth, ab.deriveKey), with the
 * browser's WebCrypto (HMAC-SHA256, PBKDF2) instead of CryptoJS, so asynchronous:
 *
 *   session.authenticate("joe", "secret")                       // resolves with the permissions
 *   // or step by step, as AutobahnJS:
 *   session.authreq("joe").then((challenge) => {
 *     const authextra = JSON.parse(challenge).authextra;         // present for a salted secret
 *     return Wamp1.deriveKey("secret", authextra)
 *       .then((key) => session.authsign(challenge, key))
 *       .then((signature) => session.auth(signature));
 *   });
 *
 * The frames are those of WAMP v1 (WELCOME 0, PREFIX 1, CALL 2, CALLRESULT 3, CALLERROR 4,
 * SUBSCRIBE 5, UNSUBSCRIBE 6, PUBLISH 7, EVENT 8), spoken over the "wamp" subprotocol.
 */
(function (global) {
	"use strict";

	const WELCOME = 0, PREFIX = 1, CALL = 2, CALLRESULT = 3, CALLERROR = 4,
		SUBSCRIBE = 5, UNSUBSCRIBE = 6, PUBLISH = 7, EVENT = 8;

	const ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	function randomId(length) {
		const bytes = new Uint8Array(length);
		global.crypto.getRandomValues(bytes);
		let id = "";
		for (const b of bytes) {
			id += ID_CHARS[b % ID_CHARS.length];
		}
		return id;
	}

	const AUTHREQ = "http://api.wamp.ws/procedure#authreq", AUTH = "http://api.wamp.ws/procedure#auth";

	const utf8 = (text) => new TextEncoder().encode(text);

	function base64(buffer) {
		let binary = "";
		for (const b of new Uint8Array(buffer)) {
			binary += String.fromCharCode(b);
		}
		return btoa(binary);
	}

	/**
	 * Base64 of HMAC-SHA256(key = UTF-8 of key, data = UTF-8 of text), as CryptoJS.HmacSHA256
	 * in AutobahnJS's authsign. A promise.
	 */
	function hmacSha256(key, text) {
		const subtle = global.crypto.subtle;
		return subtle.importKey("raw", utf8(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
			.then((cryptoKey) => subtle.sign("HMAC", cryptoKey, utf8(text)))
			.then(base64);
	}

	/**
	 * AutobahnJS's ab.deriveKey(secret, authextra): with authextra.salt, base64 of
	 * PBKDF2-HMAC-SHA256(secret, salt, iterations || 10000, keylen || 32 bytes); without,
	 * the secret itself. A promise.
	 */
	function deriveKey(secret, authextra) {
		if (!authextra || !authextra.salt) {
			return Promise.resolve(secret);
		}
		const iterations = authextra.iterations || 10000;
		const keylen = authextra.keylen || 32;
		const subtle = global.crypto.subtle;
		return subtle.importKey("raw", utf8(secret), "PBKDF2", false, ["deriveBits"])
			.then((password) => subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: utf8(authextra.salt),
				iterations }, password, keylen * 8))
			.then(base64);
	}

	/** The error a call's promise is rejected with: a CALLERROR, or the connection lost. */
	class CallError extends Error {
		constructor(uri, desc, details) {
			super(desc ? uri + ": " + desc : uri);
			this.name = "CallError";
			this.uri = uri;
			this.desc = desc;
			this.details = details;
		}
	}

	/** One WAMPv1 session over one WebSocket. Get one with Wamp1.connect. */
	class Session {

		constructor(socket, options) {
			this.socket = socket;
			this.options = options;
			this.sessionId = null;
			this.serverIdent = null;
			this.protocolVersion = null;
			this.prefixes = new Map();
			this.calls = new Map();
			this.handlers = new Map();
			this.closed = false;
		}

		/** Maps a prefix to a URI for this connection (PREFIX); later CURIEs "prefix:rest" resolve to it. */
		prefix(prefix, uri) {
			this.prefixes.set(prefix, uri);
			this._send([PREFIX, prefix, uri]);
		}

		/** The full URI of a CURIE whose prefix this session defined; any other string as it is. */
		resolve(curieOrUri) {
			const colon = curieOrUri.indexOf(":");
			if (colon > 0) {
				const uri = this.prefixes.get(curieOrUri.substring(0, colon));
				if (uri !== undefined) {
					return uri + curieOrUri.substring(colon + 1);
				}
			}
			return curieOrUri;
		}

		/**
		 * Calls a remote procedure (CALL) with zero or more arguments. The promise resolves with
		 * the CALLRESULT's result and rejects with a CallError (uri, desc, details).
		 */
		call(procUri, ...args) {
			if (this.closed) {
				return Promise.reject(new CallError("wamp1.js#closed", "connection is closed"));
			}
			let callId;
			do {
				callId = randomId(16);
			} while (this.calls.has(callId));
			return new Promise((resolve, reject) => {
				this.calls.set(callId, { resolve, reject });
				this._send([CALL, callId, procUri, ...args]);
			});
		}

		/** WAMP-CRA step 1, AutobahnJS's session.authreq(authKey, extra): resolves with the challenge text. */
		authreq(authKey, extra) {
			return this.call(AUTHREQ, authKey, extra);
		}

		/** AutobahnJS's session.authsign(challenge, secret): the signature, as a promise. */
		authsign(challenge, secret) {
			return hmacSha256(secret || "", challenge);
		}

		/** WAMP-CRA step 2, AutobahnJS's session.auth(signature): resolves with the permissions. */
		auth(signature) {
			return this.call(AUTH, signature);
		}

		/**
		 * authreq, deriveKey (when the challenge carries authextra), authsign and auth in one:
		 * resolves with the permissions granted, rejects with the CallError of the step that failed.
		 */
		authenticate(authKey, secret, extra) {
			return this.authreq(authKey, extra).then((challenge) => {
				const authextra = JSON.parse(challenge).authextra;
				return deriveKey(secret, authextra)
					.then((key) => this.authsign(challenge, key))
					.then((signature) => this.auth(signature));
			});
		}

		/**
		 * Subscribes to a topic (SUBSCRIBE, sent for the first handler of the topic only).
		 * The handler gets (topicUri, event) for every EVENT on it.
		 */
		subscribe(topic, handler) {
			const uri = this.resolve(topic);
			let set = this.handlers.get(uri);
			if (set === undefined) {
				set = new Set();
				this.handlers.set(uri, set);
				this._send([SUBSCRIBE, topic]);
			}
			set.add(handler);
		}

		/**
		 * Removes one handler of a topic, or all of them when none is given; UNSUBSCRIBE goes
		 * out when the topic has none left.
		 */
		unsubscribe(topic, handler) {
			const uri = this.resolve(topic);
			const set = this.handlers.get(uri);
			if (set === undefined) {
				return;
			}
			if (handler !== undefined) {
				set.delete(handler);
			}
			if (handler === undefined || set.size === 0) {
				this.handlers.delete(uri);
				this._send([UNSUBSCRIBE, topic]);
			}
		}

		/** Whether this session holds a subscription to the topic. */
		isSubscribed(topic) {
			return this.handlers.has(this.resolve(topic));
		}

		/**
		 * Publishes an event on a topic (PUBLISH). With no option the server excludes this
		 * session; excludeMe (boolean) says so explicitly; exclude (array of session ids)
		 * replaces that default, and eligible (array) limits the receivers.
		 */
		publish(topic, event, excludeOrExcludeMe, eligible) {
			const frame = [PUBLISH, topic, event === undefined ? null : event];
			if (eligible !== undefined) {
				frame.push(excludeOrExcludeMe === undefined ? [] : excludeOrExcludeMe, eligible);
			}
			else if (excludeOrExcludeMe !== undefined) {
				frame.push(excludeOrExcludeMe);
			}
			this._send(frame);
		}

		/** Closes the WebSocket; pending calls are rejected. */
		close(code, reason) {
			if (this.socket.readyState === WebSocket.CONNECTING || this.socket.readyState === WebSocket.OPEN) {
				this.socket.close(code === undefined ? 1000 : code, reason);
			}
		}

		_send(frame) {
			if (this.closed) {
				throw new Error("WAMP session is closed");
			}
			const text = JSON.stringify(frame);
			this._trace("send", text);
			this.socket.send(text);
		}

		_trace(direction, text) {
			if (this.options.trace) {
				this.options.trace(direction, text);
			}
		}

		_receive(text) {
			this._trace("receive", text);
			let frame;
			try {
				frame = JSON.parse(text);
			}
			catch (e) {
				this._protocolError("not JSON: " + text);
				return;
			}
			if (!Array.isArray(frame) || frame.length === 0) {
				this._protocolError("not a WAMP message: " + text);
				return;
			}
			switch (frame[0]) {
				case WELCOME:
					this._welcome(frame);
					break;
				case CALLRESULT:
					this._settle(frame[1], (call) => call.resolve(frame.length > 2 ? frame[2] : null));
					break;
				case CALLERROR:
					this._settle(frame[1], (call) => call.reject(new CallError(frame[2], frame[3], frame[4])));
					break;
				case EVENT:
					this._event(frame[1], frame.length > 2 ? frame[2] : null);
					break;
				default:
					this._protocolError("unexpected message type: " + text);
			}
		}

		_welcome(frame) {
			if (this.sessionId !== null) {
				this._protocolError("second WELCOME");
				return;
			}
			this.sessionId = frame[1];
			this.protocolVersion = frame[2];
			this.serverIdent = frame[3];
			if (this.protocolVersion !== 1) {
				this.close(1002, "WAMP version " + this.protocolVersion + " not supported");
				return;
			}
			this._onWelcome();
		}

		_settle(callId, settle) {
			const call = this.calls.get(callId);
			if (call === undefined) {
				this._protocolError("result for unknown call " + callId);
				return;
			}
			this.calls.delete(callId);
			settle(call);
		}

		_event(topicUri, event) {
			const set = this.handlers.get(topicUri);
			if (set !== undefined) {
				for (const handler of Array.from(set)) {
					try {
						handler(topicUri, event);
					}
					catch (e) {
						console.error("WAMP event handler failed for " + topicUri, e);
					}
				}
			}
			if (this.options.onevent) {
				this.options.onevent(topicUri, event);
			}
		}

		_protocolError(message) {
			console.warn("WAMP: " + message);
		}

		_closed(code, reason) {
			this.closed = true;
			for (const call of this.calls.values()) {
				call.reject(new CallError("wamp1.js#closed", "connection closed (" + code + ")"));
			}
			this.calls.clear();
			this.handlers.clear();
			if (this.sessionId !== null && this.options.onclose) {
				this.options.onclose(code, reason);
			}
		}
	}

	/**
	 * Opens a WebSocket with the "wamp" subprotocol and resolves with the Session once the
	 * server's WELCOME came. Options: onclose(code, reason) after a welcomed session ends,
	 * onevent(topicUri, event) for every EVENT, trace(direction, frameText) for every frame.
	 */
	function connect(url, options) {
		options = options || {};
		return new Promise((resolve, reject) => {
			let socket;
			try {
				socket = new WebSocket(url, ["wamp"]);
			}
			catch (e) {
				reject(e);
				return;
			}
			const session = new Session(socket, options);
			let welcomed = false;
			session._onWelcome = () => {
				welcomed = true;
				resolve(session);
			};
			socket.onopen = () => {
				if (socket.protocol !== "wamp") {
					socket.close(1002, "server does not speak WAMP");
				}
			};
			socket.onmessage = (message) => {
				if (typeof message.data === "string") {
					session._receive(message.data);
				}
				else {
					session._protocolError("binary frame ignored");
				}
			};
			socket.onclose = (close) => {
				session._closed(close.code, close.reason);
				if (!welcomed) {
					reject(new Error("WAMP connection to " + url + " closed before WELCOME (" + close.code
							+ (close.reason ? ": " + close.reason : "") + ")"));
				}
			};
		});
	}

	global.Wamp1 = { connect, CallError, deriveKey };

})(window);
