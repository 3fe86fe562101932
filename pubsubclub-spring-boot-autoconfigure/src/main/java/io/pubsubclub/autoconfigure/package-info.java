/**
 * Auto-configuration and configuration properties for PubSubClub.
 */
@NullMarked
package io.pubsubclub.autoconfigure;

import org.jspecify.annotations.NullMarked;
