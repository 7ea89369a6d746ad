package org.paperboy.delivery;

/** Told about a running send about once a second. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total, rate) -> { };

    void onProgress(int done, int total, double messagesPerSecond);
}
