import type { AgentErrorCode } from '../../probes/agent/protocol.js';

/**
 * What each observation code means, for docs/codes.md's table and its sync test. Kept out of the agent's wire contract:
 * the agent bundle needs the list, not the prose. A code added to the list without its meaning does not compile.
 */
export const AGENT_ERROR_MEANINGS: Readonly<Record<AgentErrorCode, string>> = {
  DP_CONNECT_TIMEOUT:
    'no answer to the TCP connection within the timeout, declared only after reading what had arrived',
  DP_DNS_TIMEOUT: "no DNS answer within the timeout (the agent's own guard on the lookup)",
  DP_HTTP_TIMEOUT: 'no complete HTTP exchange within twice the timeout',
  DP_BODY_STALLED: 'the HTTP answer began, then nothing more came for the timeout before `bytes:` arrived',
  DP_BODY_SHORT: 'the HTTP answer ended before `bytes:` arrived',
  DP_NOT_HTTP:
    "the port answered, but not with HTTP (the parser's own code, when it is not listed here, is in the detail)",
  DP_PROBE_BUSY:
    'the probe noticed its DNS timeout too late twice (its event loop was starved): an answer may have been waiting',
  DP_DNS_OVERLOADED:
    "the name did not resolve, but the probe's DNS control name, asked after this lookup began, was not answered either within the check's timeout: an overloaded DNS server proves no name missing",
  DP_DNS_FORWARDED:
    "the name did not resolve, and the network's DNS forwarded it upstream, to the probe's own stub resolver on its loopback (which answered SERVFAIL and sent nothing on): the network's DNS holds no record of it",
  DP_UDP_SILENT:
    'no datagram and no ICMP error came back on any try of a udp check: silence, which a listener that never answers gives too',
  DP_NOT_DNS: "a udp check's DNS query got an answer from the port that is not the DNS answer to it",
  ECONNREFUSED:
    'the host refused the connection: nothing listens there, but the path is open (on a lookup: no DNS server listens; on udp: an ICMP port unreachable came back)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while the probe was writing',
  ETIMEDOUT: 'the kernel gave up on the connection: no answer',
  EHOSTUNREACH: 'no route to the host (on udp also an ICMP host or administratively prohibited)',
  ENETUNREACH: 'no route to the network (on udp also an ICMP network prohibited)',
  EHOSTDOWN: 'the host is down',
  ENETDOWN: 'the network is down',
  EADDRNOTAVAIL: 'no local address to connect from (an IPv6 target from a probe with no IPv6 address)',
  EACCES: 'on udp over IPv6: an ICMPv6 administratively prohibited came back (elsewhere: the probe may not send there)',
  EPERM: "the probe's own host refused to send (a firewall rule where the probe runs): nothing left it",
  UND_ERR_SOCKET: 'the socket closed under the HTTP exchange',
  UND_ERR_CONNECT_TIMEOUT: 'no answer to the HTTP connection within the timeout',
  UND_ERR_HEADERS_TIMEOUT: 'connected, but no HTTP headers came within the timeout',
  UND_ERR_BODY_TIMEOUT: 'connected, but the HTTP body stalled for the timeout',
  HPE_INVALID_CONSTANT: 'the answer is not HTTP: it does not begin with `HTTP/`',
  HPE_INVALID_STATUS: "the answer's status line is not HTTP",
  ENOTFOUND: 'the name does not exist (NXDOMAIN)',
  ENODATA: 'the name has no record of the family asked for',
  ETIMEOUT: 'the DNS server did not answer within the timeout',
  EAI_AGAIN: 'the lookup failed for now (a temporary DNS failure)',
  ESERVFAIL: 'the DNS server answered SERVFAIL',
  EREFUSED: 'the DNS server refused the query',
  EFORMERR: 'the DNS server said the query was malformed',
  EBADRESP: "the DNS server's answer was malformed",
  ENOTIMP: 'the DNS server does not implement the query',
  EBADNAME: 'the name is not a valid DNS name',
  UNKNOWN:
    'an error the agent does not classify (its own code, if it had one, is in the detail): never counted as blocked',
};
