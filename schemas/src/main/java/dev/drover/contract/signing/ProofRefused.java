package dev.drover.contract.signing;

/**
 * Why a credential or a signature proves nothing: a token, an event's signature, a request's signature.
 * {@code unavailable} when it could not be checked now (the keys could not be fetched): try again later, a 503,
 * not the caller's fault.
 */
public final class ProofRefused extends Exception {
    private final boolean unavailable;

    public ProofRefused(String message, boolean unavailable) {
        super(message);
        this.unavailable = unavailable;
    }

    public boolean unavailable() {
        return unavailable;
    }
}
