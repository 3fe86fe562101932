package io.pubsubclub.wamp;

/**
 * How the WAMP endpoint serves v2 beside v1 ({@code pubsubclub.wamp.v2.*}).
 *
 * @param realm the one realm of this node; a HELLO for another is answered ABORT
 * {@code wamp.error.no_such_realm}
 * @param uris maps v2 topic and procedure URIs to their v1 form
 * @author PubSubClub
 */
public record Wamp2Settings(String realm, WampUriMapping uris) {

}
