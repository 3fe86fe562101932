/**
 * The PubSubClub demo application.
 */
@NullMarked
package io.pubsubclub.sample;

import org.jspecify.annotations.NullMarked;
