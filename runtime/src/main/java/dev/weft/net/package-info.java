/**
 * Cooperative networking, gevent's {@code socket} and {@code StreamServer}: sockets whose waits
 * suspend the calling greenlet instead of blocking its thread.
 *
 * <p>{@link dev.weft.net.TcpSocket} and {@link dev.weft.net.TcpListener} for TCP,
 * {@link dev.weft.net.UdpSocket} for UDP, the stream views {@link dev.weft.net.SocketInputStream} and
 * {@link dev.weft.net.SocketOutputStream}, the buffered {@link dev.weft.net.SocketReader} and
 * {@link dev.weft.net.SocketWriter}, and {@link dev.weft.net.StreamServer}, which runs a handler
 * greenlet per connection on one hub or on a {@link dev.weft.HubGroup}. Every socket belongs to the
 * hub of the thread that made it, and is used on that thread.
 */
package dev.weft.net;
