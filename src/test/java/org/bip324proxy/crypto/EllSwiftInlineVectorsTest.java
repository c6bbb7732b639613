package org.bip324proxy.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/**
 * A few rows copied from the official BIP324 CSV vectors, so that a checkout without
 * {@code ../shared/bip324-vectors} still checks the crypto.
 */
class EllSwiftInlineVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** ellswift_decode_test_vectors.csv, last row: "valid_x(x1);u>=p;t>=p". */
    @Test
    void decodeWithBothHalvesAboveP() {
        byte[] encoding = HEX.parseHex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffefbb982"
                + "fffffffffffffffffffffffffffffffffffffffffffffffffffffffff6d6db1f");
        assertEquals("1c92ccdfcf4ac550c28db57cff0c8515cb26936c786584a70114008d6c33a34b",
                HEX.formatHex(EllSwift.decode(encoding)));
    }

    /** xswiftec_inv_test_vectors.csv, first row: only cases 2, 3, 6, 7 succeed. */
    @Test
    void inverseUsingX3Branch() {
        checkInverse("05ff6bdad900fc3261bc7fe34e2fb0f569f06e091ae437d3a52e9da0cbfb9590",
                "80cdf63774ec7022c89a5a8558e373a279170285e0ab27412dbce510bdfe23fc",
                null, null,
                "45654798ece071ba79286d04f7f3eb1c3f1d17dd883610f2ad2efd82a287466b",
                "0aeaa886f6b76c7158452418cbf5033adc5747e9e9b5d3b2303db96936528557",
                null, null,
                "ba9ab867131f8e4586d792fb080c14e3c0e2e82277c9ef0d52d1027c5d78b5c4",
                "f51557790948938ea7badbe7340afcc523a8b816164a2c4dcfc24695c9ad76d8");
    }

    /** xswiftec_inv_test_vectors.csv, second row: only cases 0, 1, 4, 5 succeed. */
    @Test
    void inverseUsingX1X2Branch() {
        checkInverse("1737a85f4c8d146cec96e3ffdca76d9903dcf3bd53061868d478c78c63c2aa9e",
                "39e48dd150d2f429be088dfd5b61882e7e8407483702ae9a5ab35927b15f85ea",
                "1be8cc0b04be0c681d0c6a68f733f82c6c896e0c8a262fcd392918e303a7abf4",
                "605b5814bf9b8cb066667c9e5480d22dc5b6c92f14b4af3ee0a9eb83b03685e3",
                null, null,
                "e41733f4fb41f397e2f3959708cc07d3937691f375d9d032c6d6e71bfc58503b",
                "9fa4a7eb4064734f99998361ab7f2dd23a4936d0eb4b50c11f56147b4fc9764c",
                null, null);
    }

    /** packet_encoding_test_vectors.csv, in_idx 1 (initiating). */
    @Test
    void ecdhAsInitiator() {
        checkEcdh("61062ea5071d800bbfd59e2e8b53d47d194b095ae5a4df04936b49772ef0d4d7",
                "ec0adff257bbfe500c188c80b4fdd640f6b45a482bbc15fc7cef5931deff0aa1"
                        + "86f6eb9bba7b85dc4dcc28b28722de1e3d9108b985e2967045668f66098e475b",
                "a4a94dfce69b4a2a0a099313d10f9f7e7d649d60501c9e1d274c300e0d89aafa"
                        + "ffffffffffffffffffffffffffffffffffffffffffffffffffffffff8faf88d5",
                true,
                "19e965bc20fc40614e33f2f82d4eeff81b5e7516b12a5c6c0d6053527eba0923",
                "0c71defa3fafd74cb835102acd81490963f6b72d889495e06561375bd65f6ffc",
                "4eb2bf85bd00939468ea2abb25b63bc642e3d1eb8b967fb90caa2d89e716050e",
                "c6992a117f5edbea70c3f511d32d26b9798be4b81a62eaee1a5acaa8459a3592");
    }

    /** packet_encoding_test_vectors.csv, in_idx 999 (responding; their u = p, t = 0). */
    @Test
    void ecdhAsResponder() {
        checkEcdh("6f312890ec83bbb26798abaadd574684a53e74ccef7953b790fcc29409080246",
                "a8785af31c029efc82fa9fc677d7118031358d7c6a25b5779a9b900e5ccd94aa"
                        + "c97eb36a3c5dbcdb2ca5843cc4c2fe0aaa46d10eb3d233a81c3dde476da00eef",
                "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f"
                        + "0000000000000000000000000000000000000000000000000000000000000000",
                false,
                "d4b65faa965b31fe2d9faaeb806c6449a50fe3679555c3518f7a0885f572457f",
                "edd1fd3e327ce90cc7a3542614289aee9682003e9cf7dcc9cf2ca9743be5aa0c",
                "13c1bf6a3ca37da9ffc7f45ec1810fa935c45454c03dc0144c1a9755bb52f81f",
                "a6f79eb08243b6f65dbe42bfe4a6cf3f131d6963fa5d06c770a18f7b9c489b78");
    }

    private static void checkInverse(String u, String x, String... expectedT) {
        for (int kase = 0; kase < 8; kase++) {
            byte[] t = EllSwift.xswiftecInv(HEX.parseHex(x), HEX.parseHex(u), kase);
            if (expectedT[kase] == null) {
                assertNull(t, "case " + kase);
            } else {
                assertEquals(expectedT[kase], t == null ? null : HEX.formatHex(t), "case " + kase);
                assertEquals(x, HEX.formatHex(EllSwift.decode(HEX.parseHex(u + expectedT[kase]))));
            }
        }
    }

    private static void checkEcdh(String priv, String ours, String theirs, boolean initiating,
            String xOurs, String xTheirs, String xShared, String secret) {
        EllSwiftKeyPair pair = EllSwiftKeyPair.of(HEX.parseHex(priv), HEX.parseHex(ours));
        assertEquals(xOurs, HEX.formatHex(pair.publicX()));
        assertArrayEquals(HEX.parseHex(ours), pair.encoding());
        assertEquals(xTheirs, HEX.formatHex(EllSwift.decode(HEX.parseHex(theirs))));
        assertEquals(xShared, HEX.formatHex(pair.xonlyEcdh(HEX.parseHex(theirs))));
        assertEquals(secret, HEX.formatHex(pair.v2EcdhSecret(HEX.parseHex(theirs), initiating)));
    }
}
