package org.bip324proxy.relay;

import java.util.Locale;

/** What a relay session speaks to the peer (outbound) or accepted from the stranger (inbound). */
public enum Transport {
    V2, PASSTHROUGH, V1_FALLBACK;

    /** The name in logs, the status document and metrics: {@code v1_fallback}. */
    public String logName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
