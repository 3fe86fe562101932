package io.pubsubclub.wamp;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import org.springframework.util.ReflectionUtils;

/**
 * One registered procedure: binds CALL arguments to a method's parameters and invokes it.
 * <p>
 * Binding is strict: a JSON value is taken only as a Java type of its own kind. A
 * fraction is not truncated to an integer, a string is not read as a number or boolean,
 * nor a number or boolean as a string. A varargs parameter takes the remaining
 * arguments one by one, as AutobahnJS sends them ({@code session.call(uri, "a", "b")}),
 * or a single JSON array. Descriptions of binding failures name the argument, the
 * procedure URI and the kind of JSON value expected, never a Java type or parser message.
 *
 * @author PubSubClub
 */
final class WampProcedureMethod {

	private final String uri;

	private final Object bean;

	private final Method method;

	private final Type[] parameterTypes;

	private final Class<?>[] parameterClasses;

	private final int argumentCount;

	private final boolean varArgs;

	WampProcedureMethod(String uri, Object bean, Method method) {
		this.uri = uri;
		this.bean = bean;
		this.method = method;
		ReflectionUtils.makeAccessible(method);
		this.parameterTypes = method.getGenericParameterTypes();
		this.parameterClasses = method.getParameterTypes();
		int count = 0;
		for (Class<?> type : this.parameterClasses) {
			if (!WampSession.class.isAssignableFrom(type)) {
				count++;
			}
		}
		this.argumentCount = count;
		this.varArgs = method.isVarArgs() && !WampSession.class.isAssignableFrom(
				this.parameterClasses[this.parameterClasses.length - 1].getComponentType());
	}

	/**
	 * Return a mapper that binds CALL arguments strictly, built once from the
	 * application's mapper.
	 */
	static JsonMapper strict(JsonMapper jsonMapper) {
		return jsonMapper.rebuild()
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.withCoercionConfig(LogicalType.Textual, (config) -> config
				.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Integer, (config) -> config
				.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Float, (config) -> config
				.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Boolean, (config) -> config
				.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
			.build();
	}

	/**
	 * Bind the arguments and invoke the method.
	 * @param jsonMapper a {@link #strict} mapper
	 * @throws InvalidArgumentsException if the arguments do not fit the parameters
	 * @throws InvocationTargetException if the method threw
	 */
	@Nullable Object invoke(WampSession session, List<JsonNode> arguments, JsonMapper jsonMapper)
			throws InvocationTargetException, IllegalAccessException {
		int fixed = this.varArgs ? this.argumentCount - 1 : this.argumentCount;
		if (this.varArgs ? arguments.size() < fixed : arguments.size() != fixed) {
			throw new InvalidArgumentsException("Procedure " + this.uri + " takes " + (this.varArgs ? "at least " : "")
					+ fixed + " argument(s), " + arguments.size() + " given.");
		}
		Object[] values = new Object[this.parameterTypes.length];
		int next = 0;
		for (int i = 0; i < values.length; i++) {
			if (WampSession.class.isAssignableFrom(this.parameterClasses[i])) {
				values[i] = session;
				continue;
			}
			if (this.varArgs && i == values.length - 1) {
				values[i] = varArgs(arguments.subList(next, arguments.size()), next, jsonMapper);
				continue;
			}
			JsonNode argument = arguments.get(next++);
			values[i] = bind(argument, jsonMapper.constructType(this.parameterTypes[i]), next, jsonMapper);
		}
		return this.method.invoke(this.bean, values);
	}

	/**
	 * Return the arguments of a v2 CALL with keyword arguments: the positional ones, then
	 * each later parameter's value by its name (the method compiled with
	 * {@code -parameters}). A keyword that names no parameter, or one given positionally
	 * already, a parameter left without a value, a varargs method and a method whose
	 * parameter names are unknown are invalid arguments.
	 * @param arguments the positional arguments
	 * @param keywords the keyword arguments, a JSON object
	 * @throws InvalidArgumentsException if the keywords do not fit the parameters
	 */
	List<JsonNode> withKeywords(List<JsonNode> arguments, JsonNode keywords) {
		if (this.varArgs) {
			throw new InvalidArgumentsException("Procedure " + this.uri + " takes no keyword arguments.");
		}
		java.lang.reflect.Parameter[] parameters = this.method.getParameters();
		java.util.List<JsonNode> all = new java.util.ArrayList<>(arguments);
		java.util.Set<String> used = new java.util.HashSet<>();
		int position = 0;
		for (java.lang.reflect.Parameter parameter : parameters) {
			if (WampSession.class.isAssignableFrom(parameter.getType())) {
				continue;
			}
			position++;
			if (position <= arguments.size()) {
				continue;
			}
			if (!parameter.isNamePresent()) {
				throw new InvalidArgumentsException(
						"Procedure " + this.uri + " takes no keyword arguments: its parameter names are not known.");
			}
			JsonNode value = keywords.get(parameter.getName());
			if (value == null) {
				throw new InvalidArgumentsException(
						"Argument " + position + " (" + parameter.getName() + ") of " + this.uri + " is missing.");
			}
			used.add(parameter.getName());
			all.add(value);
		}
		for (String name : keywords.propertyNames()) {
			if (!used.contains(name)) {
				throw new InvalidArgumentsException("Procedure " + this.uri + " has no argument " + name
						+ " to take by name.");
			}
		}
		return all;
	}

	private Object varArgs(List<JsonNode> rest, int before, JsonMapper jsonMapper) {
		Class<?> arrayType = this.parameterClasses[this.parameterClasses.length - 1];
		JavaType component = jsonMapper.constructType(arrayType.getComponentType());
		if (rest.size() == 1 && rest.get(0).isArray() && !component.isContainerType()
				&& component.getRawClass() != Object.class && component.getRawClass() != JsonNode.class) {
			// the whole array as one argument, as before separate arguments were taken
			return bind(rest.get(0), jsonMapper.constructType(arrayType), before + 1, jsonMapper);
		}
		Object array = Array.newInstance(arrayType.getComponentType(), rest.size());
		for (int j = 0; j < rest.size(); j++) {
			Array.set(array, j, bind(rest.get(j), component, before + j + 1, jsonMapper));
		}
		return array;
	}

	private @Nullable Object bind(JsonNode argument, JavaType type, int position, JsonMapper jsonMapper) {
		Object value;
		try {
			value = jsonMapper.treeToValue(argument, type);
		}
		catch (JacksonException ex) {
			throw new InvalidArgumentsException(
					"Argument " + position + " of " + this.uri + " must be " + kind(type.getRawClass()) + ".");
		}
		if (value == null && type.isPrimitive()) {
			throw new InvalidArgumentsException("Argument " + position + " of " + this.uri + " must not be null.");
		}
		return value;
	}

	/**
	 * The kind of JSON value a Java type is read from, for a client's eyes.
	 */
	private static String kind(Class<?> type) {
		if (type == int.class || type == long.class || type == short.class || type == byte.class
				|| type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
				|| type == BigInteger.class) {
			return "an integer";
		}
		if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)
				|| type == BigDecimal.class) {
			return "a number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "a boolean";
		}
		if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class
				|| type.isEnum()) {
			return "a string";
		}
		if (type.isArray() || Collection.class.isAssignableFrom(type)) {
			return "an array of the right values";
		}
		if (Map.class.isAssignableFrom(type)) {
			return "an object of the right values";
		}
		return "an object of the right properties";
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
