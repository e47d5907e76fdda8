#!/usr/bin/env python3
"""A ROS node without rospy that publishes /corrupt (std_msgs/String) over a broken TCPROS
stream: it registers with the master and answers requestTopic like any node, sends a valid
connection header, then a frame length no publisher could mean (0xFFFFFFF0) and junk. Used to
check that `noros bridge` drops that connection with a warning and carries on.
Arguments: MASTER_URI. Prints "ready" once registered."""

import socket
import sys
import threading
from xmlrpc.client import ServerProxy
from xmlrpc.server import SimpleXMLRPCServer

NAME = "/corrupt_publisher"
TOPIC = "/corrupt"
TYPE = "std_msgs/String"
MD5 = "992ce8a1687cec8c8bd883ec73ca41d1"


def field(text: str) -> bytes:
    raw = text.encode()
    return len(raw).to_bytes(4, "little") + raw


def serve_tcpros(listener: socket.socket) -> None:
    while True:
        conn, _ = listener.accept()
        conn.recv(65536)  # the subscriber's header
        body = b"".join(
            field(f)
            for f in (
                "callerid=" + NAME,
                "topic=" + TOPIC,
                "type=" + TYPE,
                "md5sum=" + MD5,
                "message_definition=string data\n",
                "latching=0",
            )
        )
        conn.sendall(len(body).to_bytes(4, "little") + body)
        conn.sendall((0xFFFFFFF0).to_bytes(4, "little") + b"junk" * 16)


def main() -> None:
    master = ServerProxy(sys.argv[1])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    tcp_port = listener.getsockname()[1]
    threading.Thread(target=serve_tcpros, args=(listener,), daemon=True).start()

    api = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
    api.register_function(lambda caller, topic, protocols: [1, "", ["TCPROS", "127.0.0.1", tcp_port]], "requestTopic")
    api.register_function(lambda caller: [1, "", 0], "getPid")
    api.register_function(lambda caller, topic, pubs: [1, "", 0], "publisherUpdate")
    api.register_function(lambda caller, msg="": [1, "", 0], "shutdown")
    uri = "http://127.0.0.1:%d/" % api.server_address[1]
    code, message, _ = master.registerPublisher(NAME, TOPIC, TYPE, uri)
    if code != 1:
        raise SystemExit("registerPublisher failed: %s" % message)
    print("ready", flush=True)
    try:
        api.serve_forever()
    except KeyboardInterrupt:
        master.unregisterPublisher(NAME, TOPIC, uri)


if __name__ == "__main__":
    main()
