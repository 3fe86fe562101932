package io.pubsubclub.cluster;

import java.util.List;
import java.util.OptionalLong;

import org.springframework.context.ApplicationEvent;

/**
 * Published when this node, as a consumer, may have missed events from a producer:
 * a resume after a link drop found that the producer no longer held everything since
 * the last event delivered here (the drop outlasted its replay buffer), or the producer
 * came back with a new epoch (it restarted, and what it had not yet forwarded is lost).
 * An application can tell its WAMP clients on these topics to fetch the state afresh.
 * <p>
 * Published on a cluster thread; listeners must not block.
 *
 * @author PubSubClub
 */
public class ClusterGapEvent extends ApplicationEvent {

	private final long producerNodeId;

	private final List<String> topics;

	private final OptionalLong missed;

	private final boolean producerRestarted;

	/**
	 * Create the event.
	 * @param source the node's links
	 * @param producerNodeId the producer's node id
	 * @param topics the topics whose events may be missing
	 * @param missed how many sequence numbers were missed, when known
	 * @param producerRestarted whether the producer restarted (new epoch)
	 */
	public ClusterGapEvent(Object source, long producerNodeId, List<String> topics, OptionalLong missed,
			boolean producerRestarted) {
		super(source);
		this.producerNodeId = producerNodeId;
		this.topics = List.copyOf(topics);
		this.missed = missed;
		this.producerRestarted = producerRestarted;
	}

	/**
	 * Return the node id of the producer whose events may be missing.
	 * @return the producer's node id
	 */
	public long getProducerNodeId() {
		return this.producerNodeId;
	}

	/**
	 * Return the topics whose events may be missing.
	 * @return the topic URIs
	 */
	public List<String> getTopics() {
		return this.topics;
	}

	/**
	 * Return how many of the producer's sequence numbers were missed. The producer
	 * numbers its publishes on every topic in one sequence, so this is an upper bound
	 * on the events missing on {@link #getTopics() these topics}. Empty when the
	 * producer restarted.
	 * @return the sequence numbers missed, if known
	 */
	public OptionalLong getMissed() {
		return this.missed;
	}

	/**
	 * Return whether the producer restarted, rather than outlived its replay buffer.
	 * @return whether the producer came back with a new epoch
	 */
	public boolean isProducerRestarted() {
		return this.producerRestarted;
	}

	@Override
	public String toString() {
		return "ClusterGapEvent[producer " + this.producerNodeId + ", topics " + this.topics + ", missed "
				+ (this.missed.isPresent() ? this.missed.getAsLong() : "unknown")
				+ (this.producerRestarted ? ", producer restarted" : "") + "]";
	}

}
