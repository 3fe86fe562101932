package io.pubsubclub.redis;

import java.util.concurrent.atomic.LongAdder;

/**
 * The backplane's running totals, read by {@link RedisBackplane#state()}.
 *
 * @author PubSubClub
 */
final class RedisCounters {

	final LongAdder published = new LongAdder();

	final LongAdder publishFailures = new LongAdder();

	final LongAdder dropped = new LongAdder();

	final LongAdder received = new LongAdder();

	final LongAdder recovered = new LongAdder();

	final LongAdder duplicates = new LongAdder();

	final LongAdder malformed = new LongAdder();

	final LongAdder gaps = new LongAdder();

	final LongAdder missed = new LongAdder();

	final LongAdder resent = new LongAdder();

	final LongAdder reconnects = new LongAdder();

	final LongAdder recoveries = new LongAdder();

}
