package io.pubsubclub.wamp;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * The WAMP remote procedures by URI. Once the singletons of the application context are
 * created, finds every method annotated with {@link WampProcedure} on singleton beans;
 * procedures can also be {@link #register registered} by hand. Two procedures with the
 * same URI fail the start-up.
 *
 * @author PubSubClub
 */
public class WampProcedureRegistry implements SmartInitializingSingleton, BeanFactoryAware {

	private final Map<String, WampProcedureMethod> procedures = new ConcurrentHashMap<>();

	private @Nullable ListableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ListableBeanFactory listable) {
			this.beanFactory = listable;
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		ListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			return;
		}
		for (String name : beanFactory.getBeanNamesForType(Object.class, false, false)) {
			Class<?> type = beanFactory.getType(name);
			if (type == null) {
				continue;
			}
			Map<Method, WampProcedure> methods = MethodIntrospector.selectMethods(ClassUtils.getUserClass(type),
					(MethodIntrospector.MetadataLookup<WampProcedure>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, WampProcedure.class));
			if (methods.isEmpty()) {
				continue;
			}
			Object bean = beanFactory.getBean(name);
			methods.forEach((method, annotation) -> register(annotation.value(), bean,
					AopUtils.selectInvocableMethod(method, bean.getClass())));
		}
	}

	/**
	 * Register a method as the procedure of a URI.
	 * @param uri the full procedure URI
	 * @param bean the object to invoke the method on
	 * @param method the method, bound as for {@link WampProcedure}
	 * @throws IllegalStateException if a procedure is already registered for the URI
	 */
	public void register(String uri, Object bean, Method method) {
		WampProcedureMethod procedure = new WampProcedureMethod(uri, bean, method);
		WampProcedureMethod existing = this.procedures.putIfAbsent(uri, procedure);
		if (existing != null) {
			throw new IllegalStateException("WAMP procedure " + uri + " is declared twice: by " + existing.describe()
					+ " and by " + procedure.describe());
		}
	}

	/**
	 * Return the URIs of the registered procedures.
	 * @return a sorted snapshot of the procedure URIs
	 */
	public Set<String> getProcedureUris() {
		return new TreeSet<>(this.procedures.keySet());
	}

	@Nullable WampProcedureMethod find(String uri) {
		return this.procedures.get(uri);
	}

}
