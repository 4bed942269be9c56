/**
 * Connections, whatever protocol they will speak: the transport that opens them
 * ({@code NettyTransport}: event loops, DNS, TCP, TLS), and the two
 * {@link io.posthaste.internal.connection.ConnectionSource}s an exchange gets them from, chosen
 * once per exchange: {@link io.posthaste.internal.connection.SharedConnections} (the pool on the
 * shared loops) and a {@link io.posthaste.internal.connection.CallerLoop} (the loop a platform
 * thread drives itself inside {@code send()}). A connection is known here only as a
 * {@link io.posthaste.internal.connection.Connection}; a protocol makes it up with the
 * {@code Connector} it is given. May use the session's settings, the helpers and Netty; never an
 * exchange, a protocol or the chain.
 *
 * <p>The pool itself ({@link io.posthaste.internal.connection.ConnectionPool}: caps per origin
 * and in total, FIFO waiters that each carry their own connect spec, the idle sweep, places
 * reserved for connections kept outside it) and the
 * {@link io.posthaste.internal.connection.Scheduler} it takes its time from use {@code java.base}
 * only, and know a connection only as a {@code Pooled}.
 *
 * <h2>Multiplexed connections (HTTP/2; HTTP/3 would fit the same way)</h2>
 * An HTTP/1.1 connection carries one exchange at a time: it is leased or idle. A multiplexed one
 * ({@code Pooled.isMultiplexed()}) carries many streams at once, up to a limit the peer sets and
 * may change ({@code Pooled.capacity()}: SETTINGS_MAX_CONCURRENT_STREAMS, 0 after GOAWAY):
 * <ul>
 * <li>An acquire leases one stream. Beside its idle list, an origin keeps its multiplexed
 *     connections with their lease counts; acquire (and {@code pollIdle}, without a future)
 *     takes a stream on the first usable one with room before it opens anything — even a
 *     {@code fresh} acquire, since room on a live multiplexed connection is no stale connection.
 * <li>The caps count connections, not streams: while an origin has a usable multiplexed
 *     connection (or one being opened), its requests wait for room on it rather than open
 *     another, under the acquire timeout.
 * <li>{@code release} gives back one stream, and keeps the connection while it is usable,
 *     whatever the exchange made of it: one stream's failure does not spoil the others. Room
 *     goes to waiters in order, outside the lock; a connection with no stream rests (counted
 *     idle) and is swept as an idle one. The connection reports a new limit or GOAWAY with
 *     {@code ConnectionListener.capacityChanged}, which admits waiters or, if it takes no more,
 *     lets them open another connection; it closes once its last stream ends.
 * <li>Until an origin that may multiplex (HTTP/2 offered: {@code mayMultiplex}) has shown which
 *     protocol it speaks, its requests wait for the one connect in flight rather than each open a
 *     connection: if it is multiplexed they share it, if HTTP/1.1 they connect as usual. The pool
 *     remembers the answer per origin ({@code multiplexes}).
 * <li>Re-sending the streams a peer refused is the exchange's business, not the pool's.
 * </ul>
 */
package io.posthaste.internal.connection;
