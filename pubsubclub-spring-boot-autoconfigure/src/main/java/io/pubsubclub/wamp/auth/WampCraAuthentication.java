package io.pubsubclub.wamp.auth;

/**
 * A WAMP session's successful WAMP-CRA authentication: the auth key it proved and the
 * permissions that came with it.
 *
 * @param authKey the auth key
 * @param permissions the permissions granted
 * @author PubSubClub
 */
public record WampCraAuthentication(String authKey, WampCraPermissions permissions) {

}
