/**
 * What a session and a request bring to every layer: the session's settings
 * ({@link io.posthaste.internal.session.SessionConfig}, built from its builder), a request's
 * extras that are not public API ({@code RequestExtras}: its own interceptors, Digest
 * credentials, progress listeners), safe event emission ({@code Events}) and the virtual-thread
 * probe. May use the helpers only.
 */
package io.posthaste.internal.session;
