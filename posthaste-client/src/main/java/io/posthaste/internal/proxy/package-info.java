/**
 * Which way a connection goes: straight, through an HTTP, HTTPS or SOCKS proxy, or over a Unix
 * domain socket ({@link io.posthaste.internal.proxy.Route}, part of the pool key), and the one
 * place a request's route is chosen ({@link io.posthaste.internal.proxy.Routes}: the request's own,
 * the session's proxy, its {@code ProxySelector}, the environment). Proxy URLs, {@code NO_PROXY}
 * and the environment are read here. Plain Java on {@code java.base}: the Netty handlers that
 * speak to proxies are the connection layer's ({@code ProxyDialer}). Depends on nothing else.
 */
package io.posthaste.internal.proxy;
