package io.pubsubclub.wamp;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as a WAMP remote procedure, callable with CALL under
 * the given full URI (clients may use a CURIE for it).
 * <p>
 * The CALL arguments are bound to the method's parameters in order with Jackson: JSON
 * objects to POJOs or maps, arrays to lists or arrays, primitives, {@code null}. A
 * parameter of type {@link WampSession} is not bound from the arguments; it receives the
 * calling session. The return value becomes the CALLRESULT ({@code void} gives
 * {@code null}); a {@link java.util.concurrent.CompletionStage} is waited for without
 * blocking. An exception becomes a CALLERROR: a {@link WampRpcException} gives its own
 * error URI, description and details, anything else
 * {@code http://api.wamp.ws/error#generic} with its message.
 * <p>
 * Procedures run on a task executor, so calls of one session may complete in any order.
 *
 * @author PubSubClub
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WampProcedure {

	/**
	 * The full URI of the procedure.
	 * @return the procedure URI
	 */
	String value();

}
