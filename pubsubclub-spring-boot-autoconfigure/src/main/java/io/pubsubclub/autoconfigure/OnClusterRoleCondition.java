package io.pubsubclub.autoconfigure;

import java.util.function.Predicate;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Conditions on the cluster roles this node plays: any role enabled, none, or an enabled
 * role in server or client mode.
 *
 * @author PubSubClub
 */
abstract class OnClusterRoleCondition extends SpringBootCondition {

	private static final String ENABLED = "enabled PubSubClub cluster role";

	private final String description;

	private final Predicate<PubSubClubProperties.Role> matches;

	OnClusterRoleCondition(String description, Predicate<PubSubClubProperties.Role> matches) {
		this.description = description;
		this.matches = matches;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		PubSubClubProperties properties = binder.bind("pubsubclub", PubSubClubProperties.class)
			.orElseGet(PubSubClubProperties::new);
		boolean match = this.matches.test(properties.getProducer()) || this.matches.test(properties.getConsumer());
		return match ? ConditionOutcome.match(this.description + " found")
				: ConditionOutcome.noMatch("no " + this.description);
	}

	private static Predicate<PubSubClubProperties.Role> inMode(PubSubClubProperties.Mode mode) {
		return (role) -> role.isEnabled() && role.getMode() == mode;
	}

	static final class Any extends OnClusterRoleCondition {

		Any() {
			super(ENABLED, PubSubClubProperties.Role::isEnabled);
		}

	}

	static final class None extends OnClusterRoleCondition {

		None() {
			super(ENABLED, PubSubClubProperties.Role::isEnabled);
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionOutcome any = super.getMatchOutcome(context, metadata);
			return new ConditionOutcome(!any.isMatch(), any.getConditionMessage());
		}

	}

	static final class Server extends OnClusterRoleCondition {

		Server() {
			super("PubSubClub cluster role in server mode", inMode(PubSubClubProperties.Mode.SERVER));
		}

	}

	static final class Client extends OnClusterRoleCondition {

		Client() {
			super("PubSubClub cluster role in client mode", inMode(PubSubClubProperties.Mode.CLIENT));
		}

	}

}
