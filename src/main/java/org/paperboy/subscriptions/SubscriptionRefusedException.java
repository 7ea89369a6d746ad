package org.paperboy.subscriptions;

/** An operator's add was refused: the address is on the list already, or was erased on request. */
public final class SubscriptionRefusedException extends RuntimeException {

    public enum Reason { ALREADY_ON_LIST, ERASED }

    private final Reason reason;

    public SubscriptionRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
