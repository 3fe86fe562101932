package io.pubsubclub.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A PubSubClub node: a WAMPv1 server that joins a cluster from properties alone.
 *
 * @author PubSubClub
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
