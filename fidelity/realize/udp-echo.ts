// `udp-echo` (hypervisor/shell/udp-command.ts, xennet's own UDP probe) run for real: the same
// datagrams — COUNT of SIZE bytes, a 4-byte big-endian sequence number then zeros, one second apart,
// from SPORT (or an ephemeral port) to HOST:PORT — sent by python3, which then waits a second after
// the last one, printing the lines the simulated command prints. `-S` (no site packages) keeps the
// interpreter's start-up, which delays the first datagram, short.
import { parseUdpEcho } from "../../hypervisor/shell/udp-command.ts";

const SCRIPT = `import select, socket, struct, sys, time
dst, port, sport, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", sport))
print("udp-echo: %d datagrams of %d bytes from port %d to %s:%d" % (count, size, s.getsockname()[1], dst, port), flush=True)
echoed = set()
start = time.monotonic()
for i in range(count + 1):
    while True:
        left = start + i - time.monotonic()
        if left <= 0:
            break
        if select.select([s], [], [], left)[0]:
            try:
                data = s.recv(2048)
            except OSError:
                continue
            if len(data) >= 4:
                echoed.add(struct.unpack("!I", data[:4])[0])
    if i < count:
        s.sendto(struct.pack("!I", i + 1) + bytes(size - 4), (dst, port))
for i in range(1, count + 1):
    print("seq %d: %s" % (i, "echoed" if i in echoed else "no answer"))
print("%d sent, %d echoed" % (count, len(echoed)))
sys.exit(0 if echoed else 1)`;

/** The real command for `udp-echo ARGS` with HOST already an address; a string is why it cannot run. */
export function udpEchoArgv(args: readonly string[], addressOf: (host: string) => string | undefined): string[] | string {
  const req = parseUdpEcho(args);
  if (typeof req === "string") return `udp-echo: ${req.trim()}`;
  const address = addressOf(req.host);
  if (address === undefined) return `udp-echo: ${req.host} is not a world name or an address`;
  return ["python3", "-S", "-c", SCRIPT, address, String(req.port), String(req.srcPort ?? 0), String(req.count), String(req.size)];
}
