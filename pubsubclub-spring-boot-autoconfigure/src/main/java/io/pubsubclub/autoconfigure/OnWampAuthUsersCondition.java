package io.pubsubclub.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code pubsubclub.wamp.auth.users} holds at least one user.
 *
 * @author PubSubClub
 */
class OnWampAuthUsersCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, PubSubClubProperties.User> users = Binder.get(context.getEnvironment())
			.bind("pubsubclub.wamp.auth.users", Bindable.mapOf(String.class, PubSubClubProperties.User.class))
			.orElse(Map.of());
		return users.isEmpty() ? ConditionOutcome.noMatch("no pubsubclub.wamp.auth.users")
				: ConditionOutcome.match(users.size() + " pubsubclub.wamp.auth.users");
	}

}
