package io.pubsubclub.autoconfigure;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.TestSubscribers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's own scheduler stays out of the application's scheduling.
 */
class ClusterSchedulerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class, ClusterAutoConfiguration.class))
		.withUserConfiguration(SubscribersConfiguration.class, ScheduledJob.class)
		.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0",
				"spring.task.scheduling.thread-name-prefix=app-sched-", "spring.task.scheduling.pool.size=3");

	@Test
	void applicationScheduledMethodsRunOnBootsSchedulerConfiguredBySpringTaskScheduling() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasBean("taskScheduler").hasBean("pubsubclubTaskScheduler");
			assertThat(context.getBean(ClusterLinks.class)).isNotNull();
			ThreadPoolTaskScheduler boots = context.getBean("taskScheduler", ThreadPoolTaskScheduler.class);
			assertThat(boots.getThreadNamePrefix()).isEqualTo("app-sched-");
			assertThat(boots.getScheduledThreadPoolExecutor().getCorePoolSize()).isEqualTo(3);
			ScheduledJob job = context.getBean(ScheduledJob.class);
			assertThat(job.ran.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(job.thread.get()).startsWith("app-sched-");
		});
	}

	@Test
	void theApplicationsOwnSchedulerStaysTheOneInjectedByType() {
		this.runner.run((context) -> assertThat(context.getBean(TaskScheduler.class))
			.isSameAs(context.getBean("taskScheduler")));
	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class ScheduledJob {

		final CountDownLatch ran = new CountDownLatch(1);

		final AtomicReference<String> thread = new AtomicReference<>();

		@Scheduled(fixedDelay = 50)
		void job() {
			this.thread.compareAndSet(null, Thread.currentThread().getName());
			this.ran.countDown();
		}

	}

}
