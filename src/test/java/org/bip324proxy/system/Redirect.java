package org.bip324proxy.system;

import java.io.IOException;
import java.time.Duration;
import org.bip324proxy.testsupport.NetNs;

/**
 * The nat OUTPUT rules a user adds: TCP connections of processes whose primary gid is the redirect
 * group go to the proxy, IPv4 to 127.0.0.1:PORT and IPv6 to [::1]:PORT. Installed inside a test
 * namespace only, so deleting the namespace removes them.
 */
enum Redirect {
    IPTABLES {
        @Override
        void install(NetNs ns, long gid, int proxyPort) throws IOException {
            ns.exec("iptables", "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-m", "owner", "--gid-owner", "" + gid,
                    "-j", "DNAT", "--to-destination", "127.0.0.1:" + proxyPort);
            ns.exec("ip6tables", "-w", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-m", "owner", "--gid-owner", "" + gid,
                    "-j", "DNAT", "--to-destination", "[::1]:" + proxyPort);
        }
    },
    NFT {
        @Override
        void install(NetNs ns, long gid, int proxyPort) throws IOException {
            // nft 1.0.6 (Debian 12) rejects "priority dstnat" on the output hook: use its value, -100.
            String rules = "table inet b324test {\n"
                    + "  chain output {\n"
                    + "    type nat hook output priority -100; policy accept;\n"
                    + "    meta nfproto ipv4 meta l4proto tcp meta skgid " + gid + " dnat ip to 127.0.0.1:" + proxyPort + "\n"
                    + "    meta nfproto ipv6 meta l4proto tcp meta skgid " + gid + " dnat ip6 to [::1]:" + proxyPort + "\n"
                    + "  }\n"
                    + "}\n";
            ns.run(rules, Duration.ofSeconds(30), "nft", "-f", "-").check();
        }
    };

    /** Adds the DNAT rules for both IP versions in {@code ns}. */
    abstract void install(NetNs ns, long gid, int proxyPort) throws IOException;
}
