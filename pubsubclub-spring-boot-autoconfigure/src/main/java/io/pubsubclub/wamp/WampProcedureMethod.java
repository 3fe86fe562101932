package io.pubsubclub.wamp;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

/**
 * One registered procedure: binds CALL arguments to a method's parameters and invokes it.
 *
 * @author PubSubClub
 */
final class WampProcedureMethod {

	private final String uri;

	private final Object bean;

	private final Method method;

	private final Type[] parameterTypes;

	private final int argumentCount;

	WampProcedureMethod(String uri, Object bean, Method method) {
		this.uri = uri;
		this.bean = bean;
		this.method = method;
		ReflectionUtils.makeAccessible(method);
		this.parameterTypes = method.getGenericParameterTypes();
		int count = 0;
		for (Class<?> type : method.getParameterTypes()) {
			if (!WampSession.class.isAssignableFrom(type)) {
				count++;
			}
		}
		this.argumentCount = count;
	}

	/**
	 * Bind the arguments and invoke the method.
	 * @throws InvalidArgumentsException if the arguments do not fit the parameters
	 * @throws InvocationTargetException if the method threw
	 */
	@Nullable Object invoke(WampSession session, List<JsonNode> arguments, JsonMapper jsonMapper)
			throws InvocationTargetException, IllegalAccessException {
		if (arguments.size() != this.argumentCount) {
			throw new InvalidArgumentsException("Procedure " + this.uri + " takes " + this.argumentCount
					+ " argument(s), " + arguments.size() + " given.");
		}
		Object[] values = new Object[this.parameterTypes.length];
		int next = 0;
		for (int i = 0; i < values.length; i++) {
			if (WampSession.class.isAssignableFrom(this.method.getParameterTypes()[i])) {
				values[i] = session;
				continue;
			}
			JsonNode argument = arguments.get(next++);
			JavaType type = jsonMapper.constructType(this.parameterTypes[i]);
			try {
				values[i] = jsonMapper.treeToValue(argument, type);
			}
			catch (JacksonException ex) {
				throw new InvalidArgumentsException("Argument " + next + " of procedure " + this.uri
						+ " cannot be read as " + type.toCanonical() + ": " + ex.getOriginalMessage());
			}
			if (values[i] == null && this.method.getParameterTypes()[i].isPrimitive()) {
				throw new InvalidArgumentsException(
						"Argument " + next + " of procedure " + this.uri + " must not be null.");
			}
		}
		return this.method.invoke(this.bean, values);
	}

	String describe() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName();
	}

	/**
	 * The CALL arguments do not fit the procedure's parameters.
	 */
	static final class InvalidArgumentsException extends RuntimeException {

		InvalidArgumentsException(String message) {
			super(message);
		}

	}

}
