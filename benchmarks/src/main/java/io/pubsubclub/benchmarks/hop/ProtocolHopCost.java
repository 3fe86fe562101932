package io.pubsubclub.benchmarks.hop;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.LinkChannel;
import io.pubsubclub.cluster.PeerLink;
import io.pubsubclub.wamp.event.LocalSubscribers;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * CPU per forwarded publish and per received 301 of the cluster protocol layer alone
 * (ClusterLinks and PeerLink over a channel that discards frames), on the calling
 * thread: what resume (PSC 1.2) adds to the hop, free of the noise of a loaded machine.
 * Uses only API that 1.1-only builds have too, so the same source runs against an older
 * build: {@code java -cp <classes of a build>:<deps> ... ProtocolHopCost old|new|off 100|4096}
 * ({@code old}: a 1.1 link; {@code new}: 1.2 with resume on; {@code off}: 1.2 with
 * {@code replay.max-events: 0}, numbered but nothing kept).
 */
public final class ProtocolHopCost {

	private ProtocolHopCost() {
	}

	static final class Sink implements LinkChannel {
		long n;
		public boolean send(String f) { n += f.length(); return true; }
		public void close(int c, String r) { }
	}
	static final class Subs implements LocalSubscribers {
		long n;
		public Set<String> topics() { return Set.of("t"); }
		public int deliver(String t, String e) { n += e.length(); return 1; }
	}
	public static void main(String[] a) throws Exception {
		boolean v12 = a[0].equals("new") || a[0].equals("off");
		int size = Integer.parseInt(a[1]);
		ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler(); s.initialize();
		Subs subs = new Subs();
		ClusterLinks links = new ClusterLinks(1, Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER, ClusterState.Role.CONSUMER, ClusterState.Mode.CLIENT), subs, s, Duration.ofSeconds(5));
		if (a[0].equals("off")) {
			links.setResumeSettings(new io.pubsubclub.cluster.ResumeSettings(0, 32L << 20, Duration.ofSeconds(30),
					Duration.ofSeconds(30)));
		}
		Sink sink = new Sink();
		PeerLink p = links.accepted("x:1", ClusterState.Role.PRODUCER);
		p.opened(sink);
		p.received(v12 ? "[101,[1,0],[1,1],[1,2]]" : "[101,[1,0],[1,1]]");
		p.received("[201,\"http://example.com/topic\"]");
		PeerLink c = links.accepted("x:2", ClusterState.Role.CONSUMER);
		c.opened(new Sink());
		c.received(v12 ? "[102,[1,2],5,\"abcdefghijklmnop\"]" : "[102,[1,1],5]");
		StringBuilder ev = new StringBuilder("{\"payload\":\"");
		while (ev.length() < size - 2) ev.append('x');
		String event = ev.append("\"}").toString();
		var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		int n = size > 1000 ? 200_000 : 1_000_000;
		for (int round = 0; round < 4; round++) {
			long cpu0 = bean.getCurrentThreadCpuTime();
			for (int i = 0; i < n; i++) links.publish("http://example.com/topic", event);
			long prod = bean.getCurrentThreadCpuTime() - cpu0;
			String base = "[301,\"http://example.com/topic\"," + event;
			long seq0 = (long) round * n;
			cpu0 = bean.getCurrentThreadCpuTime();
			for (int i = 1; i <= n; i++) c.received(v12 ? base + "," + (seq0 + i) + "]" : base + "]");
			long cons = bean.getCurrentThreadCpuTime() - cpu0;
			if (round > 0) System.out.printf("%s %dB producer %.0f ns/publish, consumer %.0f ns/301 (incl. building the test frame)%n", a[0], size, (double) prod / n, (double) cons / n);
		}
		s.shutdown();
	}
}
