package io.pubsubclub.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;

/**
 * A stand-in for the WAMP server's side of the bridge: topics subscribed locally,
 * events delivered to them, and the events the WAMP server would publish.
 */
public class TestSubscribers implements LocalSubscribers, ApplicationEventPublisherAware {

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private final List<String> delivered = new CopyOnWriteArrayList<>();

	private ApplicationEventPublisher publisher = (event) -> {
	};

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	public void subscribe(String topic) {
		if (this.topics.add(topic)) {
			this.publisher.publishEvent(new WampSubscribedEvent(this, topic));
		}
	}

	public void unsubscribe(String topic) {
		if (this.topics.remove(topic)) {
			this.publisher.publishEvent(new WampUnsubscribedEvent(this, topic));
		}
	}

	public void publish(String topic, String eventJson) {
		this.publisher.publishEvent(new WampPublishedEvent(this, topic, eventJson));
	}

	/** The id of the one WAMP session this stand-in holds. */
	public static final String LOCAL_SESSION = "local-session";

	public void publishNaming(String topic, String eventJson, Set<String> exclude, Set<String> eligible) {
		this.publisher.publishEvent(new WampPublishedEvent(this, topic, eventJson, exclude, eligible));
	}

	/** A local publish of a WAMP v2 payload, {@code eventJson} its wrapper. */
	public void publishV2(String topic, String eventJson, Set<String> exclude) {
		this.publisher.publishEvent(new WampPublishedEvent(this, topic, eventJson, exclude, null, true));
	}

	@Override
	public int deliver(String topic, String eventJson, Set<String> exclude, Set<String> eligible, boolean v2) {
		if (!v2) {
			return (exclude == null && eligible == null) ? deliver(topic, eventJson)
					: deliver(topic, eventJson, exclude, eligible);
		}
		this.delivered.add(topic + " " + eventJson + " exclude=" + exclude + " eligible=" + eligible + " v2");
		return 1;
	}

	@Override
	public int deliver(String topic, String eventJson, Set<String> exclude, Set<String> eligible) {
		this.delivered.add(topic + " " + eventJson + " exclude=" + exclude + " eligible=" + eligible);
		return 1;
	}

	@Override
	public boolean hasSession(String sessionId) {
		return LOCAL_SESSION.equals(sessionId);
	}

	@Override
	public Set<String> topics() {
		return Set.copyOf(this.topics);
	}

	private volatile java.util.function.@org.jspecify.annotations.Nullable BiConsumer<String, String> listener;

	@Override
	public int deliver(String topic, String eventJson) {
		java.util.function.BiConsumer<String, String> listener = this.listener;
		if (listener != null) {
			listener.accept(topic, eventJson);
			return 1;
		}
		this.delivered.add(topic + " " + eventJson);
		return 1;
	}

	/**
	 * Hand deliveries to the given listener instead of keeping them, for tests that
	 * deliver too many to keep.
	 */
	public void onDeliver(java.util.function.BiConsumer<String, String> listener) {
		this.listener = listener;
	}

	/**
	 * Return what was delivered, as "topic eventJson".
	 */
	public List<String> delivered() {
		return this.delivered;
	}

}
