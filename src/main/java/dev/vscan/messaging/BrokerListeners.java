package dev.vscan.messaging;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * How clients reach the embedded broker on 127.0.0.1: on {@code port} with PLAINTEXT, or with
 * SASL_PLAINTEXT when {@code sasl} names users. Beside a SASL listener, {@code plaintextPort} may open
 * a plaintext one for clients without credentials. Port 0 picks a free port.
 */
public record BrokerListeners(int port, Optional<SaslUsers> sasl, OptionalInt plaintextPort) {

    public BrokerListeners {
        checkPort("port", port);
        plaintextPort.ifPresent(p -> checkPort("plaintext port", p));
        if (plaintextPort.isPresent() && sasl.isEmpty()) {
            throw new IllegalArgumentException("a second, plaintext port is for a broker whose main port speaks SASL;"
                    + " without SASL users the main port is plaintext already");
        }
        if (plaintextPort.isPresent() && plaintextPort.getAsInt() == port && port != 0) {
            throw new IllegalArgumentException("the SASL and the plaintext listener cannot share port " + port);
        }
    }

    public static BrokerListeners plaintext(int port) {
        return new BrokerListeners(port, Optional.empty(), OptionalInt.empty());
    }

    public static BrokerListeners sasl(int port, SaslUsers users) {
        return new BrokerListeners(port, Optional.of(users), OptionalInt.empty());
    }

    /** The same listeners plus a plaintext one on {@code plaintextPort}. */
    public BrokerListeners withPlaintextPort(int plaintextPort) {
        return new BrokerListeners(port, sasl, OptionalInt.of(plaintextPort));
    }

    private static void checkPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the broker's " + what + " must be 0 (any free one) to 65535, got " + port);
        }
    }
}
