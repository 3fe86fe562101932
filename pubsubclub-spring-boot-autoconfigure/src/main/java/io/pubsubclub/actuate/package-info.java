/**
 * Operations for PubSubClub: the {@code pubsubclub} actuator endpoint, the cluster's
 * health indicator and Micrometer meters.
 */
@NullMarked
package io.pubsubclub.actuate;

import org.jspecify.annotations.NullMarked;
