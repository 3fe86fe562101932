package io.pubsubclub.autoconfigure;

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

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		PubSubClubProperties properties = binder.bind("pubsubclub", PubSubClubProperties.class)
			.orElseGet(PubSubClubProperties::new);
		boolean match = matches(properties.getProducer()) || matches(properties.getConsumer());
		return match ? ConditionOutcome.match(description() + " found")
				: ConditionOutcome.noMatch("no " + description());
	}

	abstract boolean matches(PubSubClubProperties.Role role);

	abstract String description();

	static final class Any extends OnClusterRoleCondition {

		@Override
		boolean matches(PubSubClubProperties.Role role) {
			return role.isEnabled();
		}

		@Override
		String description() {
			return "enabled PubSubClub cluster role";
		}

	}

	static final class None extends OnClusterRoleCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionOutcome any = super.getMatchOutcome(context, metadata);
			return new ConditionOutcome(!any.isMatch(), any.getConditionMessage());
		}

		@Override
		boolean matches(PubSubClubProperties.Role role) {
			return role.isEnabled();
		}

		@Override
		String description() {
			return "enabled PubSubClub cluster role";
		}

	}

	static final class Server extends OnClusterRoleCondition {

		@Override
		boolean matches(PubSubClubProperties.Role role) {
			return role.isEnabled() && role.getMode() == PubSubClubProperties.Mode.SERVER;
		}

		@Override
		String description() {
			return "PubSubClub cluster role in server mode";
		}

	}

	static final class Client extends OnClusterRoleCondition {

		@Override
		boolean matches(PubSubClubProperties.Role role) {
			return role.isEnabled() && role.getMode() == PubSubClubProperties.Mode.CLIENT;
		}

		@Override
		String description() {
			return "PubSubClub cluster role in client mode";
		}

	}

}
