package io.pubsubclub.wamp;

import java.security.Principal;

import io.pubsubclub.wamp.auth.WampAuthorizer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A Boot application whose WAMP endpoint Spring Security guards with HTTP basic, with
 * method security on a procedure and an authorizer that decides from the handshake
 * principal.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableWebSecurity
@EnableMethodSecurity
class WampSecurityTestApplication {

	static final String ADMIN_TOPICS = "http://example.com/admin#";

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.requestMatchers("/wamp").authenticated()
			.anyRequest()
			.permitAll()).httpBasic(Customizer.withDefaults()).build();
	}

	@Bean
	UserDetailsService userDetailsService() {
		return new InMemoryUserDetailsManager(
				User.withUsername("alice").password("{noop}alice-pw").roles("ADMIN", "USER").build(),
				User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
	}

	@Bean
	WampAuthorizer principalAuthorizer() {
		return new WampAuthorizer() {

			@Override
			public boolean maySubscribe(WampSession session, String topic) {
				return !topic.startsWith(ADMIN_TOPICS) || isAdmin(session.getPrincipal());
			}

			@Override
			public boolean mayPublish(WampSession session, String topic) {
				return !topic.startsWith(ADMIN_TOPICS) || isAdmin(session.getPrincipal());
			}

			@Override
			public boolean mayCall(WampSession session, String procedure) {
				return true;
			}

			private boolean isAdmin(Principal principal) {
				return principal instanceof Authentication authentication && authentication.getAuthorities()
					.stream()
					.anyMatch((authority) -> "ROLE_ADMIN".equals(authority.getAuthority()));
			}

		};
	}

	@Bean
	SecuredProcedures securedProcedures() {
		return new SecuredProcedures();
	}

	static class SecuredProcedures {

		@WampProcedure("http://example.com/rpc#echo")
		public Object echo(Object value) {
			return value;
		}

		@WampProcedure("http://example.com/rpc#me")
		public String me(WampSession session) {
			return session.getPrincipal().getName() + "/"
					+ SecurityContextHolder.getContext().getAuthentication().getName();
		}

		@WampProcedure("http://example.com/admin#reset")
		@PreAuthorize("hasRole('ADMIN')")
		public String reset() {
			return "reset by " + SecurityContextHolder.getContext().getAuthentication().getName();
		}

	}

}
