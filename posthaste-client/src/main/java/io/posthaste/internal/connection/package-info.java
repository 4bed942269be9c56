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
 * <h2>Multiplexed connections (HTTP/2, HTTP/3): the plan</h2>
 * Today a connection carries one exchange at a time: it is leased or idle, and the caps count
 * connections. An HTTP/2 or HTTP/3 connection carries many streams at once, up to a limit the
 * peer sets and may change (SETTINGS_MAX_CONCURRENT_STREAMS, QUIC's MAX_STREAMS). It will fit
 * beside HTTP/1.1, which keeps working as now:
 * <ul>
 * <li>{@code Pooled} gains {@code int availableStreams()}: how many more exchanges the connection
 *     can carry now. HTTP/1.1 answers 1 while idle and usable, else 0; a multiplexed connection
 *     answers the peer's limit minus its open streams, and 0 once it has received GOAWAY.
 * <li>An acquire leases one stream. Beside its idle list, an origin keeps the connections that
 *     are in use but have room; acquire takes a stream on the first of them before it opens
 *     anything, and the connection stays listed while it has room.
 * <li>The caps still count connections, not streams: a multiplexed origin needs one connection.
 * <li>{@code release} gives back one stream. When a connection's room grows (a stream ends, or
 *     the peer raises its limit, which the connection reports with a new
 *     {@code capacityChanged(key, connection)}), up to that many waiters get a stream each, in
 *     order, outside the lock. A connection with no open stream goes idle and is swept as now.
 * <li>Until ALPN has told which protocol an origin speaks, its waiters wait for the one connect
 *     in flight rather than each opening a connection up to the cap: if it turns out multiplexed
 *     they share it, if HTTP/1.1 they are admitted as now. The pool then remembers the answer
 *     for the origin.
 * <li>A connection with no room left because of GOAWAY is never handed out again, and is
 *     forgotten when its last stream ends; re-sending the streams the peer refused is the
 *     exchange's business, not the pool's.
 * </ul>
 */
package io.posthaste.internal.connection;
